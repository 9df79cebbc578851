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
    timeline = selectors.home_timeline(user=maya).items
    authors = {post.author.username for post in timeline}
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
    assert not selectors.home_timeline(user=maya).items

    call_command("rebuild_timelines", maya.username, verbosity=0)

    assert [post.id for post in selectors.home_timeline(user=maya).items] == [
        posts[1].id,
        posts[0].id,
    ]
    assert not TimelineEntry.objects.filter(owner=jonas).exists()  # only the one named
