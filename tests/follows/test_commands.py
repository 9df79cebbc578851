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
