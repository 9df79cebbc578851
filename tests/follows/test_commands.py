import pytest
from django.core.management import call_command

from accounts.models import User
from follows import selectors
from follows.models import Follow

pytestmark = pytest.mark.django_db


def test_seed_demo_people_follow_each_other_and_have_filled_timelines():
    call_command("seed_demo", verbosity=0)

    maya = User.objects.get(username="maya")
    assert Follow.objects.filter(follower=maya).count() == 4
    timeline = selectors.timelines.home_timeline(user=maya).items
    authors = {post.column("author__username") for post in timeline}
    assert {"maya", "aiko", "sam", "jonas", "leo"} <= authors
    assert "priya" not in authors  # maya does not follow her


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", verbosity=0)
    follows = Follow.objects.count()

    call_command("seed_demo", "--if-empty", verbosity=0)
    call_command("seed_demo", verbosity=0)

    assert Follow.objects.count() == follows


def test_rebuild_timelines_restores_a_timeline_from_follows_and_posts():
    from follows.models import TimelineEntry
    from tests.factories import FollowFactory, PostFactory, UserFactory

    maya, jonas, stranger = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=maya, followee=jonas)  # bulk-loaded: no timeline rows yet
    posts = [PostFactory(author=jonas), PostFactory(author=maya), PostFactory(author=stranger)]
    assert not selectors.timelines.home_timeline(user=maya).items

    call_command("rebuild_timelines", maya.username, verbosity=0)

    assert [post.id for post in selectors.timelines.home_timeline(user=maya).items] == [
        posts[1].id,
        posts[0].id,
    ]
    assert not TimelineEntry.objects.filter(owner=jonas).exists()  # only the one named


def test_rebuild_timelines_for_everyone_removes_rows_of_deleted_people_and_posts():
    from io import StringIO

    from follows.models import TimelineEntry
    from tests.factories import PostFactory, UserFactory

    maya = UserFactory()
    post = PostFactory(author=maya)
    # what a race can leave (the table has no database constraints): a post or an owner gone
    TimelineEntry.objects.create(owner=maya, post_id=post.id + 1000)
    TimelineEntry.objects.create(owner_id=maya.id + 1000, post=post)
    out = StringIO()

    call_command("rebuild_timelines", stdout=out)

    assert list(TimelineEntry.objects.values_list("owner_id", "post_id")) == [(maya.id, post.id)]
    # maya's timeline was made again without the lost post; the sweep took the lost owner's row
    assert "Removed 1 rows of deleted people or posts." in out.getvalue()
