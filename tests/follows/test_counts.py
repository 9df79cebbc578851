"""One count of follows everywhere: the profile header, the follow lists and the follow button's
update show the same numbers, counting only people who may be shown."""

import json
import re

import pytest
from django.utils import timezone

from follows.services import follow_create
from moderation.services import user_suspend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def header_counts(client, username: str) -> tuple[int, int]:
    page = client.get(f"/@{username}/").content.decode()
    followers = re.search(rf'data-followers-count="{username}">(\d+)<', page).group(1)
    following = re.search(rf'data-following-count="{username}">(\d+)<', page).group(1)
    return int(followers), int(following)


def list_counts(client, username: str) -> tuple[int, int]:
    """The people each list shows; the counts above each list must say the same."""
    shown = {}
    for which in ("followers", "following"):
        page = client.get(f"/@{username}/{which}/").content.decode()
        shown[which] = page.count('class="person-card')
        shown[f"{which} page's header"] = (
            int(re.search(rf'data-followers-count="{username}">(\d+)<', page).group(1)),
            int(re.search(rf'data-following-count="{username}">(\d+)<', page).group(1)),
        )
    counts = (shown["followers"], shown["following"])
    assert shown["followers page's header"] == shown["following page's header"] == counts
    return counts


@pytest.fixture
def maya_and_company():
    maya = UserFactory(username="maya")
    followers = [UserFactory(username=f"fan{n}") for n in range(4)]
    followees = [UserFactory(username=f"idol{n}") for n in range(3)]
    for person in followers:
        follow_create(follower=person, followee=maya)
    for person in followees:
        follow_create(follower=maya, followee=person)
    return maya, followers, followees


def test_the_header_counts_what_the_lists_show(client, maya_and_company):
    assert header_counts(client, "maya") == list_counts(client, "maya") == (4, 3)


def test_after_a_follower_and_a_followee_are_suspended_every_count_leaves_them_out(
    client, maya_and_company
):
    maya, followers, followees = maya_and_company
    moderator = UserFactory(is_staff=True, is_superuser=True)
    user_suspend(moderator=moderator, user=followers[0], reason="spam")
    user_suspend(moderator=moderator, user=followees[0], reason="spam")

    assert header_counts(client, "maya") == list_counts(client, "maya") == (3, 2)


def test_deactivated_and_pending_people_are_left_out_too(client, maya_and_company):
    maya, followers, followees = maya_and_company
    followers[0].is_active = False
    followers[0].save()
    followers[1].awaiting_approval = True
    followers[1].save()

    assert header_counts(client, "maya") == list_counts(client, "maya") == (2, 3)


def test_the_follow_buttons_update_carries_the_same_counts(client, maya_and_company):
    maya, followers, _ = maya_and_company
    followers[0].suspended_at = timezone.now()
    followers[0].save()
    leo = UserFactory(username="leo")
    follow_create(follower=leo, followee=followers[1])
    client.force_login(leo)

    response = client.post("/@maya/follow/", headers={"HX-Request": "true"})

    event = json.loads(response["HX-Trigger"])["followChanged"]
    assert event["followers"] == header_counts(client, "maya")[0] == 4
    assert event["viewerFollowing"] == header_counts(client, "leo")[1] == 2


def test_the_counts_stay_right_inside_a_subquery(maya_and_company):
    """The count refers to the row of whichever query it is in, under the alias it has there."""
    from accounts.models import User

    maya, followers, followees = maya_and_company
    popular = User.objects.with_follow_counts().filter(followers_count__gte=1).values("pk")

    assert set(User.objects.filter(pk__in=popular)) == {maya, *followees}
