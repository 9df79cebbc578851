"""The selectors the client API reads relationships and follow lists by: how the viewer and
others stand, familiar followers, and the follow lists and follow requests as querysets."""

import pytest

from accounts import services as account_services
from follows.models import FollowRequest
from follows.selectors import people
from moderation import services as moderation
from tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


def suspend(person):
    moderator = UserFactory(is_staff=True, is_superuser=True)
    moderation.user_suspend(user=person, moderator=moderator, reason="spam")


def flags(person) -> dict:
    names = (
        "viewer_follows",
        "viewer_requested",
        "follows_viewer",
        "requested_viewer",
        "viewer_blocks",
        "blocks_viewer",
        "viewer_mutes",
    )
    return {name for name in names if getattr(person, name)}


def test_relationships_say_each_way_we_stand_in_the_order_asked(django_assert_num_queries):
    maya, ben, cleo, dana = (UserFactory() for _ in range(4))
    FollowFactory(follower=maya, followee=ben)
    FollowFactory(follower=ben, followee=maya)
    account_services.mute_create(muter=maya, muted=ben)
    account_services.block_create(blocker=cleo, blocked=maya)
    FollowRequest.objects.create(follower=dana, followee=maya)
    FollowRequest.objects.create(follower=maya, followee=dana)

    with django_assert_num_queries(1):
        found = people.relationships(viewer=maya, ids=[dana.pk, ben.pk, cleo.pk, ben.pk, 10**9])

    assert [person.pk for person in found] == [dana.pk, ben.pk, cleo.pk]
    assert [flags(person) for person in found] == [
        {"viewer_requested", "requested_viewer"},
        {"viewer_follows", "follows_viewer", "viewer_mutes"},
        {"blocks_viewer"},
    ]


def test_relationships_leave_out_suspended_people_unless_asked_and_hidden_accounts_always():
    maya, suspended, gone = UserFactory(), UserFactory(), UserFactory(is_active=False)
    suspend(suspended)
    ids = [suspended.pk, gone.pk]
    assert people.relationships(viewer=maya, ids=ids) == []
    found = people.relationships(viewer=maya, ids=ids, with_suspended=True)
    assert [person.pk for person in found] == [suspended.pk]


def test_familiar_followers_are_the_viewers_followees_who_follow_them(django_assert_num_queries):
    maya, jonas, lonely = UserFactory(), UserFactory(), UserFactory()
    friends = [UserFactory() for _ in range(4)]
    for friend in friends:
        FollowFactory(follower=maya, followee=friend)
        FollowFactory(follower=friend, followee=jonas)
    FollowFactory(follower=UserFactory(), followee=jonas)
    suspend(friends[0])

    with django_assert_num_queries(1):
        found = people.familiar_followers(viewer=maya, ids=[jonas.pk, lonely.pk], per_person=2)

    assert found == {jonas.pk: [friends[3].pk, friends[2].pk], lonely.pk: []}


def test_follow_lists_and_requests_leave_out_hidden_people():
    jonas = UserFactory(approve_followers=True)
    shown, hidden = UserFactory(), UserFactory()
    for person in (shown, hidden):
        FollowFactory(follower=person, followee=jonas)
        FollowFactory(follower=jonas, followee=person)
        FollowRequest.objects.create(follower=person, followee=jonas)
    suspend(hidden)

    def followers(rows, side):
        return list(rows.values_list(side, flat=True))

    assert followers(people.follows_of_followers(person=jonas), "follower_id") == [shown.pk]
    assert followers(people.follows_of_followees(person=jonas), "followee_id") == [shown.pk]
    assert followers(people.follow_requests_waiting(user=jonas), "follower_id") == [shown.pk]
