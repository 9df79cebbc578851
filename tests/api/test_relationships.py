"""Relationships in the client API: reading them (relationships, familiar followers) and
changing them (follow, unfollow, block, unblock, mute, unmute, follow requests), through the
services the pages' buttons call."""

import pytest

from accounts import services as account_services
from accounts.models import Block, Mute
from follows import services as follow_services
from follows.models import Follow, FollowRequest
from moderation import services as moderation
from posts.models import Notification
from tests.api.conftest import ApiClient, assert_entities, assert_entity, token_for
from tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE_IDS = ["²", "-1", "99999999999999999999", "1e3", "abc"]
NOTHING = {
    "following": False,
    "showing_reblogs": False,
    "notifying": False,
    "languages": None,
    "followed_by": False,
    "blocking": False,
    "blocked_by": False,
    "muting": False,
    "muting_notifications": False,
    "requested": False,
    "requested_by": False,
    "domain_blocking": False,
    "endorsed": False,
    "note": "",
}


@pytest.fixture
def maya(user):
    return user


@pytest.fixture
def jonas(db):
    return UserFactory(username="jonas")


def suspend(person):
    moderator = UserFactory(is_staff=True, is_superuser=True)
    moderation.user_suspend(user=person, moderator=moderator, reason="spam")


def expected(person, **flags):
    return {"id": str(person.pk), **NOTHING, **flags}


# --- relationships ------------------------------------------------------------------------------


def test_relationships_say_how_we_stand_in_the_order_asked(api, maya):
    following, follower, blocked, blocker, muted, asked, asking, stranger = (
        UserFactory() for _ in range(8)
    )
    FollowFactory(follower=maya, followee=following)
    FollowFactory(follower=follower, followee=maya)
    account_services.block_create(blocker=maya, blocked=blocked)
    account_services.block_create(blocker=blocker, blocked=maya)
    account_services.mute_create(muter=maya, muted=muted)
    FollowRequest.objects.create(follower=maya, followee=asked)
    FollowRequest.objects.create(follower=asking, followee=maya)
    people = [stranger, following, follower, blocked, blocker, muted, asked, asking]

    response = api.get("/api/v1/accounts/relationships", {"id[]": [p.pk for p in people]})

    assert response.status_code == 200
    assert_entities(response.json(), "Relationship")
    assert response.json() == [
        expected(stranger),
        expected(following, following=True, showing_reblogs=True),
        expected(follower, followed_by=True),
        expected(blocked, blocking=True),
        expected(blocker, blocked_by=True),
        expected(muted, muting=True),
        expected(asked, requested=True),
        expected(asking, requested_by=True),
    ]


def test_relationships_leave_out_unknown_ids_and_suspended_people_unless_asked(api, maya, jonas):
    gone = UserFactory()
    suspend(gone)
    ids = [jonas.pk, gone.pk, 10**15, "²", "x", jonas.pk]

    plain = api.get("/api/v1/accounts/relationships", {"id[]": ids}).json()
    with_suspended = api.get(
        "/api/v1/accounts/relationships", {"id[]": ids, "with_suspended": "true"}
    ).json()

    assert [item["id"] for item in plain] == [str(jonas.pk)]
    assert [item["id"] for item in with_suspended] == [str(jonas.pk), str(gone.pk)]
    single = api.get("/api/v1/accounts/relationships", {"id": jonas.pk}).json()
    assert [item["id"] for item in single] == [str(jonas.pk)]


def test_relationships_are_one_query_whatever_the_number(api, maya, django_assert_num_queries):
    people = [UserFactory() for _ in range(100)]
    for person in people[::2]:
        FollowFactory(follower=maya, followee=person)
    with django_assert_num_queries(2):
        one = api.get("/api/v1/accounts/relationships", {"id[]": [people[0].pk]}).json()
    with django_assert_num_queries(2):
        many = api.get("/api/v1/accounts/relationships", {"id[]": [p.pk for p in people]}).json()
    assert len(one) == 1
    # At most 80 ids are looked at.
    assert len(many) == 80


def test_relationships_need_a_person_and_read_follows(user):
    assert ApiClient().get("/api/v1/accounts/relationships").status_code == 401
    token = token_for(user, "read:accounts")
    assert ApiClient(token).get("/api/v1/accounts/relationships").status_code == 403
    assert ApiClient(token_for(user, "follow")).get("/api/v1/accounts/relationships").json() == []


# --- familiar followers -------------------------------------------------------------------------


def test_familiar_followers_are_people_i_follow_who_follow_them(
    api, maya, jonas, django_assert_num_queries
):
    friend, other_friend, stranger, hidden = (UserFactory() for _ in range(4))
    lonely = UserFactory()
    for person in (friend, other_friend, hidden):
        FollowFactory(follower=maya, followee=person)
        FollowFactory(follower=person, followee=jonas)
    FollowFactory(follower=stranger, followee=jonas)
    suspend(hidden)

    with django_assert_num_queries(3):
        response = api.get(
            "/api/v1/accounts/familiar_followers", {"id[]": [jonas.pk, lonely.pk, "²"]}
        )

    data = response.json()
    assert_entities(data, "FamiliarFollowers")
    assert [item["id"] for item in data] == [str(jonas.pk), str(lonely.pk)]
    assert [account["id"] for account in data[0]["accounts"]] == [
        str(other_friend.pk),
        str(friend.pk),
    ]
    assert data[1]["accounts"] == []


# --- follow and unfollow ------------------------------------------------------------------------


def test_follow_and_unfollow(api, maya, jonas):
    response = api.post(f"/api/v1/accounts/{jonas.pk}/follow", {"reblogs": False, "notify": True})

    assert response.status_code == 200
    assert_entity(response.json(), "Relationship")
    assert response.json() == expected(jonas, following=True, showing_reblogs=True)
    assert Follow.objects.filter(follower=maya, followee=jonas).exists()
    assert Notification.objects.filter(recipient=jonas, actor=maya, kind="follow").exists()
    # Again: nothing changes.
    assert api.post(f"/api/v1/accounts/{jonas.pk}/follow").json()["following"] is True

    response = api.post(f"/api/v1/accounts/{jonas.pk}/unfollow")

    assert response.json() == expected(jonas)
    assert not Follow.objects.exists()
    assert api.post(f"/api/v1/accounts/{jonas.pk}/unfollow").status_code == 200


def test_following_a_locked_account_is_a_request(api, maya, jonas):
    jonas.approve_followers = True
    jonas.save()

    response = api.post(f"/api/v1/accounts/{jonas.pk}/follow")

    assert response.json() == expected(jonas, requested=True)
    assert FollowRequest.objects.filter(follower=maya, followee=jonas).exists()
    # Unfollowing withdraws the request.
    assert api.post(f"/api/v1/accounts/{jonas.pk}/unfollow").json() == expected(jonas)
    assert not FollowRequest.objects.exists()


@pytest.mark.parametrize(
    ("blocker_is_me", "message"),
    [
        (True, "You block @jonas: unblock them to follow them."),
        (False, "You can't follow @jonas: they have blocked you."),
    ],
)
def test_a_block_refuses_a_follow_with_403_and_the_reason(api, maya, jonas, blocker_is_me, message):
    if blocker_is_me:
        account_services.block_create(blocker=maya, blocked=jonas)
    else:
        account_services.block_create(blocker=jonas, blocked=maya)

    response = api.post(f"/api/v1/accounts/{jonas.pk}/follow")

    assert response.status_code == 403
    assert response.json() == {"error": message}
    assert not Follow.objects.exists()


def test_following_yourself_or_a_suspended_person_is_422(api, maya, jonas):
    response = api.post(f"/api/v1/accounts/{maya.pk}/follow")
    assert response.status_code == 422
    assert response.json() == {"error": "You can't follow yourself."}
    suspend(jonas)
    response = api.post(f"/api/v1/accounts/{jonas.pk}/follow")
    assert response.status_code == 422
    assert response.json() == {"error": "This account can't be followed."}


def test_following_is_rate_limited(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "follow": "1/1d"}
    first, second = UserFactory(), UserFactory()
    assert api.post(f"/api/v1/accounts/{first.pk}/follow").status_code == 200

    response = api.post(f"/api/v1/accounts/{second.pk}/follow")

    assert response.status_code == 429
    assert response["X-RateLimit-Limit"] == "1"
    assert Follow.objects.count() == 1


# --- block, unblock, mute, unmute ---------------------------------------------------------------


def test_block_and_unblock(api, maya, jonas):
    FollowFactory(follower=maya, followee=jonas)
    FollowFactory(follower=jonas, followee=maya)

    response = api.post(f"/api/v1/accounts/{jonas.pk}/block")

    assert response.json() == expected(jonas, blocking=True)
    assert Block.objects.filter(blocker=maya, blocked=jonas).exists()
    assert not Follow.objects.exists()  # both ways, as the block button does
    assert api.post(f"/api/v1/accounts/{jonas.pk}/unblock").json() == expected(jonas)
    assert not Block.objects.exists()


def test_mute_and_unmute(api, maya, jonas):
    FollowFactory(follower=maya, followee=jonas)

    response = api.post(
        f"/api/v1/accounts/{jonas.pk}/mute", {"notifications": False, "duration": 60}
    )

    assert response.json() == expected(jonas, following=True, showing_reblogs=True, muting=True)
    assert Mute.objects.filter(muter=maya, muted=jonas).exists()
    assert api.post(f"/api/v1/accounts/{jonas.pk}/unmute").json()["muting"] is False


def test_blocking_or_muting_yourself_is_the_services_message(api, maya):
    response = api.post(f"/api/v1/accounts/{maya.pk}/block")
    assert response.status_code == 422
    assert response.json() == {"error": "You can't block yourself."}
    assert api.post(f"/api/v1/accounts/{maya.pk}/mute").json() == {
        "error": "You can't mute yourself."
    }


def test_blocking_is_rate_limited(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "block": "1/1d"}
    first, second = UserFactory(), UserFactory()
    api.post(f"/api/v1/accounts/{first.pk}/block")
    assert api.post(f"/api/v1/accounts/{second.pk}/mute").status_code == 429


@pytest.mark.parametrize(
    ("action", "scope"),
    [
        ("follow", "write:blocks"),
        ("unfollow", "write:mutes"),
        ("block", "write:follows"),
        ("unblock", "write:mutes"),
        ("mute", "write:blocks"),
        ("unmute", "read"),
    ],
)
def test_each_action_needs_its_scope_and_a_person(user, jonas, action, scope):
    path = f"/api/v1/accounts/{jonas.pk}/{action}"
    assert ApiClient(token_for(user, scope)).post(path).status_code == 403
    assert ApiClient().post(path).status_code == 401
    assert ApiClient(token_for(None, "write")).post(path).status_code == 422
    assert ApiClient(token_for(user, "follow")).post(path).status_code == 200
    assert ApiClient(token_for(user, "write")).get(path).status_code == 405


@pytest.mark.parametrize("action", ["follow", "unfollow", "block", "unblock", "mute", "unmute"])
def test_actions_on_accounts_that_are_not_there(api, action):
    gone = UserFactory(is_active=False)
    for account_id in [*HOSTILE_IDS, gone.pk, 10**12]:
        response = api.post(f"/api/v1/accounts/{account_id}/{action}")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}


def test_a_suspended_persons_token_cannot_act(api, user, jonas):
    suspend(user)
    assert api.post(f"/api/v1/accounts/{jonas.pk}/follow").status_code == 403
    assert not Follow.objects.exists()


# --- answering follow requests ------------------------------------------------------------------


@pytest.fixture
def locked_maya(maya):
    maya.approve_followers = True
    maya.save()
    return maya


def test_authorize_a_follow_request(api, locked_maya, jonas):
    follow_services.follow_create(follower=jonas, followee=locked_maya)

    response = api.post(f"/api/v1/follow_requests/{jonas.pk}/authorize")

    assert response.status_code == 200
    assert response.json() == expected(jonas, followed_by=True)
    assert Follow.objects.filter(follower=jonas, followee=locked_maya).exists()
    assert not FollowRequest.objects.exists()
    # Answered already: no such request.
    again = api.post(f"/api/v1/follow_requests/{jonas.pk}/authorize")
    assert again.status_code == 404


def test_reject_a_follow_request(api, locked_maya, jonas):
    follow_services.follow_create(follower=jonas, followee=locked_maya)

    response = api.post(f"/api/v1/follow_requests/{jonas.pk}/reject")

    assert response.json() == expected(jonas)
    assert not Follow.objects.exists() and not FollowRequest.objects.exists()


def test_a_request_to_someone_else_is_not_mine_to_answer(api, maya, jonas):
    jonas.approve_followers = True
    jonas.save()
    asker = UserFactory()
    follow_services.follow_create(follower=asker, followee=jonas)
    for answer in ("authorize", "reject"):
        assert api.post(f"/api/v1/follow_requests/{asker.pk}/{answer}").status_code == 404
    assert FollowRequest.objects.count() == 1


def test_accepting_a_suspended_persons_request_is_refused(api, locked_maya, jonas):
    follow_services.follow_create(follower=jonas, followee=locked_maya)
    suspend(jonas)
    response = api.post(f"/api/v1/follow_requests/{jonas.pk}/authorize")
    assert response.status_code == 422
    assert response.json() == {"error": "This account can't follow you now."}


@pytest.mark.parametrize("account_id", HOSTILE_IDS)
def test_answering_with_hostile_ids(api, account_id):
    assert api.post(f"/api/v1/follow_requests/{account_id}/authorize").status_code == 404


def test_answering_needs_write_follows(user, jonas):
    path = f"/api/v1/follow_requests/{jonas.pk}/reject"
    assert ApiClient(token_for(user, "read write:blocks")).post(path).status_code == 403
    assert ApiClient().post(path).status_code == 401
