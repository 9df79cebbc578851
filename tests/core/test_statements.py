"""Statements compiled once a process (core.statements): each call gets its own values, a build
that depends on anything else is refused, and the unread count read through one is right for
each person."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.services import block_create
from core.statements import Statement, run_rows, run_scalar, statement
from posts import selectors, services
from posts.models import Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def counting(build):
    """`build`, counting its calls in `.calls`."""

    def counted(*values):
        counted.calls += 1
        return build(*values)

    counted.calls = 0
    return counted


def posts_by(author_id):
    return Post.objects.filter(author_id=author_id).values("pk").query.sql_with_params()


def count_of(name, build, *values):
    prepared = statement(name, build, list(values))
    counted = f"SELECT COUNT(*) FROM ({prepared.sql}) counted"  # noqa: S608 (test SQL)
    return run_scalar(Statement(counted, prepared.params, []))


def test_one_compilation_serves_every_value():
    maya, ben = UserFactory(), UserFactory()
    PostFactory.create_batch(3, author=maya)
    PostFactory(author=ben)
    build = counting(posts_by)

    assert count_of("test posts_by", build, maya.pk) == 3
    assert count_of("test posts_by", build, ben.pk) == 1
    assert count_of("test posts_by", build, maya.pk + ben.pk + 100) == 0

    assert build.calls == 2  # compiled twice on first use, to find the values; never again


def test_a_querysets_columns_come_back_as_the_queryset_gives_them():
    post = PostFactory(text="converted", mentioned_usernames=["ana"])

    def columns(post_id):
        return Post.objects.filter(pk=post_id).values_list(
            "created_at", "has_media", "mentioned_usernames", "author__avatar"
        )

    rows = run_rows(statement("test columns", columns, [post.pk]))

    assert rows == [list(columns(post.pk).get())]
    assert rows[0][0] == post.created_at and rows[0][1] is False


def test_a_build_whose_parameters_hold_the_time_is_refused():
    def since(author_id):
        posts = Post.objects.filter(author_id=author_id, created_at__lte=timezone.now())
        return posts.values("pk").query.sql_with_params()

    with pytest.raises(ImproperlyConfigured, match="a parameter changes between builds"):
        statement("test since", since, [1])


def test_a_build_whose_sql_depends_on_the_value_is_refused():
    def shaped(author_id):
        posts = Post.objects.filter(author_id=author_id)
        if author_id % 2:
            posts = posts.filter(pinned_at__isnull=False)
        return posts.values("pk").query.sql_with_params()

    with pytest.raises(ImproperlyConfigured, match="its SQL changes with its values"):
        statement("test shaped", shaped, [1])


def test_a_kept_statement_is_compiled_again_after_settings_change():
    build = counting(posts_by)
    statement("test again", build, [1])
    with override_settings(TIME_ZONE="Europe/Berlin"):
        statement("test again", build, [1])
    assert build.calls == 4


def test_the_unread_count_is_each_persons_own():
    maya, ben, troll = UserFactory(), UserFactory(), UserFactory()
    services.post_create(author=troll, text=f"@{maya.username} @{ben.username} hello")
    services.post_create(author=UserFactory(), text=f"@{maya.username} again")
    block_create(blocker=ben, blocked=troll)
    hidden = services.post_create(author=UserFactory(), text=f"@{maya.username} later removed")
    hidden.removed_at = timezone.now()
    hidden.save(update_fields=["removed_at"])

    assert selectors.notifications_unread_count(user=maya) == 2
    assert selectors.notifications_unread_count(user=ben) == 0
    assert selectors.notifications_unread_count(user=User(pk=maya.pk + ben.pk + 999)) == 0


def test_a_string_goes_in_as_it_is_given():
    maya = UserFactory(username="maya_k")
    UserFactory(username="mayaxk")  # "_" is no pattern: the comparison is equality

    def named(name):
        return User.objects.named_in_lower_case(name).values_list("pk")

    assert run_rows(statement("test named", named, ["maya_k"])) == [[maya.pk]]
    assert run_rows(statement("test named", named, ["nobody"])) == []


def test_a_build_that_changes_a_string_is_refused():
    def lowered(name):
        return User.objects.named(name).values_list("pk")  # puts it in lower case

    with pytest.raises(ImproperlyConfigured, match="a parameter changes between builds"):
        statement("test lowered", lowered, ["Maya"])
