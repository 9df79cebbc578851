"""seed_bench builds a consistent instance: what the services would have written, on either
database, with every index and constraint in place afterwards."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from accounts.models import User
from follows.models import Follow, TimelineEntry
from posts.models import Like, Post

pytestmark = pytest.mark.django_db


def schema() -> set:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return {
            (table, name, tuple(details["columns"]), details["unique"], details["foreign_key"])
            for table in tables
            for name, details in connection.introspection.get_constraints(cursor, table).items()
        }


def test_seed_bench_writes_consistent_rows_and_keeps_the_schema(capsys):
    before = schema()

    call_command("seed_bench", users=60, posts=900, seed=7)

    assert schema() == before
    assert User.objects.count() == 60
    assert Post.objects.count() == 900
    assert Follow.objects.filter(follower__username="bench10").count() == 10
    assert Follow.objects.filter(follower__username="bench1000").count() == 59  # everyone else
    # The stored counts are what counting the rows gives.
    counted = ("id", "like_count", "repost_count", "reply_count")
    stored = set(Post.objects.values_list(*counted))
    assert sum(row[1] for row in stored) == Like.objects.count() > 0
    Post.objects.counts_refresh()
    assert set(Post.objects.values_list(*counted)) == stored
    assert Post.objects.filter(repost_count__gt=0).exists()
    assert Post.objects.filter(reply_count__gt=0).exists()
    # Each timeline holds its owner's and their followees' newest posts.
    bench10 = User.objects.get(username="bench10")
    authors = {*Follow.objects.filter(follower=bench10).values_list("followee_id", flat=True)}
    timeline = TimelineEntry.objects.filter(owner=bench10).values_list("post__author_id")
    assert {author for (author,) in timeline} <= authors | {bench10.pk}
    assert timeline.count() == Post.objects.filter(author_id__in=authors | {bench10.pk}).count()
    assert "done: 60 people, 900 posts" in capsys.readouterr().out


def test_seed_bench_refuses_a_database_that_has_people():
    User.objects.create_user("already_here")
    with pytest.raises(Exception, match="needs an empty database"):
        call_command("seed_bench", users=60, posts=900)


def test_likes_lean_toward_the_newest_posts():
    call_command("seed_bench", users=60, posts=900, seed=7)
    newest = Post.objects.filter(id__gt=800).aggregate(n=Count("likes"))["n"]
    oldest = Post.objects.filter(id__lte=100).aggregate(n=Count("likes"))["n"]
    assert newest > 3 * oldest
