"""Notifications and markers through the client API."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as account_services
from api.models import Marker
from follows import services as follow_services
from posts import services as post_services
from posts.models import Notification
from tests.api.conftest import ApiClient, assert_entities, assert_entity, token_for
from tests.factories import UserFactory, post_published

pytestmark = pytest.mark.django_db


def _next_link(response) -> str | None:
    found = re.search(r'<([^>]+)>; rel="next"', response.get("Link", ""))
    return found.group(1).replace("http://testserver", "") if found else None


def _prev_link(response) -> str | None:
    found = re.search(r'<([^>]+)>; rel="prev"', response.get("Link", ""))
    return found.group(1).replace("http://testserver", "") if found else None


@pytest.fixture
def every_kind(user):
    """One notification of each kind for `user`, oldest first."""
    user.approve_followers = False
    mine = post_published(user, "Mixing the score today")
    fan = UserFactory(username="fan")
    post_services.post_create(author=fan, text="@" + user.username + " have a listen")
    post_services.post_create(author=fan, text="Lovely", in_reply_to=mine)
    post_services.like_create(user=fan, post=mine)
    post_services.repost_create(user=fan, post=mine)
    follow_services.follow_create(follower=fan, followee=user)
    asker = UserFactory(username="asker")
    user.approve_followers = True
    user.save()
    follow_services.follow_create(follower=asker, followee=user)
    return mine, fan, asker


def test_every_kind_as_mastodons_types(api, user, every_kind):
    mine, fan, asker = every_kind
    response = api.get("/api/v1/notifications")
    assert response.status_code == 200
    data = response.json()
    assert_entities(data, "Notification")
    assert [item["type"] for item in data] == [
        "follow_request",
        "follow",
        "reblog",
        "favourite",
        "mention",
        "mention",
    ]
    assert [item["account"]["username"] for item in data] == ["asker"] + ["fan"] * 5
    assert "status" not in data[0] and "status" not in data[1]
    assert data[2]["status"]["id"] == str(mine.pk)
    assert data[3]["status"]["id"] == str(mine.pk)
    assert data[4]["status"]["in_reply_to_id"] == str(mine.pk)
    assert data[5]["status"]["content"].startswith("<p>")
    assert data[0]["group_key"] == f"ungrouped-{data[0]['id']}"


def test_reading_marks_nothing_read(api, user, every_kind):
    api.get("/api/v1/notifications")
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 6


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"types[]": ["mention"]}, ["mention", "mention"]),
        ({"types[]": ["favourite", "reblog"]}, ["reblog", "favourite"]),
        ({"types[]": ["poll"]}, []),
        ({"types[]": ["nonsense\x00"]}, []),
        ({"exclude_types[]": ["mention", "follow"]}, ["follow_request", "reblog", "favourite"]),
        (
            {"exclude_types[]": ["poll"]},
            ["follow_request", "follow", "reblog", "favourite"] + ["mention"] * 2,
        ),
        ({"types[]": ["mention", "follow"], "exclude_types[]": ["mention"]}, ["follow"]),
    ],
)
def test_types_and_exclude_types(api, every_kind, query, expected):
    data = api.get("/api/v1/notifications", query).json()
    assert [item["type"] for item in data] == expected


def test_types_in_a_json_body_of_a_get_are_not_read_but_arrays_in_the_query_are(api, every_kind):
    response = api.get("/api/v1/notifications?types[]=follow&types[]=follow_request")
    assert [item["type"] for item in response.json()] == ["follow_request", "follow"]


def test_account_id(api, every_kind):
    _, fan, asker = every_kind
    data = api.get("/api/v1/notifications", {"account_id": asker.pk}).json()
    assert [item["account"]["id"] for item in data] == [str(asker.pk)]
    for hostile in ["²", "-1", "99999999999999999999", "x" * 5000]:
        assert api.get("/api/v1/notifications", {"account_id": hostile}).json() == []


def test_blocked_and_suspended_actors_are_left_out(api, user, every_kind):
    _, fan, asker = every_kind
    account_services.block_create(blocker=user, blocked=fan)
    data = api.get("/api/v1/notifications").json()
    assert [item["account"]["username"] for item in data] == ["asker"]
    asker.suspended_at = timezone.now()
    asker.save()
    assert api.get("/api/v1/notifications").json() == []


def _likes(user, count: int) -> list[Notification]:
    """`count` "liked your post" notifications for `user`, from as many people."""
    for n in range(count):
        post = post_published(user, f"Take {n}")
        post_services.like_create(user=UserFactory(), post=post)
    return list(Notification.objects.filter(recipient=user).order_by("-id"))


def test_paging_45_to_the_end_and_back(api, user):
    expected = [str(row.pk) for row in _likes(user, 45)]
    seen, path, pages = [], "/api/v1/notifications?limit=20", 0
    while path:
        response = api.get(path)
        data = response.json()
        if not data:
            assert "Link" not in response
            break
        seen += [item["id"] for item in data]
        path = _next_link(response)
        pages += 1
        assert "limit=20" in response["Link"]
    assert seen == expected
    assert pages == 3
    # Back up from the oldest: min_id reads the page just newer, with no repeat.
    oldest = api.get("/api/v1/notifications", {"max_id": expected[21], "limit": 20})
    newer = api.get(_prev_link(oldest)).json()
    assert [item["id"] for item in newer] == expected[2:22]
    since = api.get("/api/v1/notifications", {"since_id": expected[3]}).json()
    assert [item["id"] for item in since] == expected[:3]


def test_limit_defaults_to_40_and_stops_at_80(api, user):
    _likes(user, 45)
    assert len(api.get("/api/v1/notifications").json()) == 40
    assert len(api.get("/api/v1/notifications", {"limit": 1000}).json()) == 45
    assert len(api.get("/api/v1/notifications", {"limit": "²"}).json()) == 40


@pytest.mark.parametrize("value", ["²", "-1", "1e3", "99999999999999999999", "\x00", "x" * 3000])
def test_hostile_cursors_are_ignored(api, user, value):
    _likes(user, 2)
    for name in ("max_id", "since_id", "min_id", "limit"):
        response = api.get("/api/v1/notifications", {name: value})
        assert response.status_code == 200
        assert len(response.json()) == 2


def test_a_page_costs_the_same_for_1_and_25(api, user, every_kind):
    mine = every_kind[0]

    def count_for_page():
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/notifications").status_code == 200
        return len(captured.captured_queries)

    few = count_for_page()
    for n in range(25):
        fan = UserFactory()
        post_services.like_create(user=fan, post=mine)
        post_services.post_create(author=fan, text=f"@{user.username} take {n}")
        follow_services.follow_create(follower=fan, followee=user)
    assert count_for_page() == few
    # The token; the page; its posts; the statuses' authors with their roles; the mentions;
    # the actors with theirs (pictures cost one more when a post on the page has some).
    assert few == 6


def test_show_one(api, user, every_kind):
    row = Notification.objects.filter(recipient=user, kind="like").get()
    response = api.get(f"/api/v1/notifications/{row.pk}")
    assert response.status_code == 200
    assert_entity(response.json(), "Notification")
    assert response.json()["type"] == "favourite"


def test_someone_elses_notification_is_not_found(api, every_kind):
    other = UserFactory()
    post_services.like_create(user=UserFactory(), post=post_published(other, "Theirs"))
    row = Notification.objects.get(recipient=other)
    for response in (
        api.get(f"/api/v1/notifications/{row.pk}"),
        api.post(f"/api/v1/notifications/{row.pk}/dismiss"),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
    assert Notification.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("value", ["²", "-1", "99999999999999999999", "abc", "%00"])
def test_hostile_notification_ids_are_not_found(api, value):
    assert api.get(f"/api/v1/notifications/{value}").status_code == 404
    assert api.post(f"/api/v1/notifications/{value}/dismiss").status_code == 404


def test_dismiss_and_clear(api, user, every_kind):
    other = UserFactory()
    post_services.like_create(user=UserFactory(), post=post_published(other, "Theirs"))
    row = Notification.objects.filter(recipient=user, kind="like").get()
    response = api.post(f"/api/v1/notifications/{row.pk}/dismiss")
    assert response.status_code == 200
    assert response.json() == {}
    assert not Notification.objects.filter(pk=row.pk).exists()
    assert api.post(f"/api/v1/notifications/{row.pk}/dismiss").status_code == 404
    response = api.post("/api/v1/notifications/clear")
    assert response.json() == {}
    assert not Notification.objects.filter(recipient=user).exists()
    assert Notification.objects.filter(recipient=other).count() == 1


def test_dismiss_service():
    owner, other = UserFactory(), UserFactory()
    post_services.like_create(user=other, post=post_published(owner, "Mine"))
    row = Notification.objects.get(recipient=owner)
    with pytest.raises(Notification.DoesNotExist):
        post_services.notification_dismiss(user=other, notification_id=row.pk)
    post_services.notification_dismiss(user=owner, notification_id=row.pk)
    assert not Notification.objects.exists()
    assert post_services.notifications_clear(user=owner) == 0


def test_unread_count_counts_after_the_marker(api, user):
    rows = _likes(user, 5)
    assert api.get("/api/v1/notifications/unread_count").json() == {"count": 5}
    api.post("/api/v1/markers", {"notifications": {"last_read_id": str(rows[2].pk)}})
    assert api.get("/api/v1/notifications/unread_count").json() == {"count": 2}
    assert api.get("/api/v1/notifications/unread_count", {"limit": 1}).json() == {"count": 1}
    response = api.get("/api/v1/notifications/unread_count", {"types[]": "mention"})
    assert response.json() == {"count": 0}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notifications"),
        ("get", "/api/v1/notifications/1"),
        ("post", "/api/v1/notifications/1/dismiss"),
        ("post", "/api/v1/notifications/clear"),
        ("get", "/api/v1/notifications/unread_count"),
        ("get", "/api/v2/notifications"),
        ("get", "/api/v2/notifications/ungrouped-1"),
        ("post", "/api/v2/notifications/ungrouped-1/dismiss"),
        ("get", "/api/v2/notifications/policy"),
        ("get", "/api/v1/markers"),
        ("post", "/api/v1/markers"),
    ],
)
def test_roles(user, method, path):
    response = getattr(ApiClient(), method)(path)
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}
    response = getattr(ApiClient(token_for(user, "profile")), method)(path)
    assert response.status_code == 403
    assert response.json() == {"error": "This action is outside the authorized scopes"}
    response = getattr(ApiClient(token_for(None, "read write")), method)(path)
    assert response.status_code == 422
    suspended = UserFactory()
    token = token_for(suspended)
    suspended.suspended_at = timezone.now()
    suspended.save()
    response = getattr(ApiClient(token), method)(path)
    assert response.status_code == 403
    assert response.json() == {"error": "Your login is currently disabled"}


def test_writing_needs_a_write_scope(user, every_kind):
    reader = ApiClient(token_for(user, "read"))
    assert reader.get("/api/v1/notifications").status_code == 200
    assert reader.post("/api/v1/notifications/clear").status_code == 403
    response = reader.post("/api/v1/markers", {"home": {"last_read_id": "5"}})
    assert response.status_code == 403
    assert not Marker.objects.exists()
    granular = ApiClient(token_for(user, "read:notifications"))
    assert granular.get("/api/v1/notifications").status_code == 200


# --- markers ---------------------------------------------------------------------------------


def test_markers_saved_as_json_and_read(api, user):
    response = api.post(
        "/api/v1/markers",
        {"home": {"last_read_id": "103206604258487607"}, "notifications": {"last_read_id": 35}},
    )
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"home", "notifications"}
    assert_entity(data["home"], "Marker")
    assert data["home"]["last_read_id"] == "103206604258487607"
    assert data["home"]["version"] == 1
    assert data["notifications"]["last_read_id"] == "35"
    again = api.post("/api/v1/markers", {"home[last_read_id]": "103206604258487608"}, form=True)
    assert again.json() == {"home": again.json()["home"]}
    assert again.json()["home"]["version"] == 2
    read = api.get("/api/v1/markers?timeline[]=home&timeline[]=notifications").json()
    assert read["home"]["last_read_id"] == "103206604258487608"
    assert read["notifications"]["version"] == 1
    assert api.get("/api/v1/markers", {"timeline[]": "home"}).json().keys() == {"home"}
    assert api.get("/api/v1/markers").json() == {}
    assert api.get("/api/v1/markers", {"timeline[]": "public"}).json() == {}


def test_markers_are_each_persons_own(api, user):
    other = ApiClient(token_for(UserFactory()))
    other.post("/api/v1/markers", {"home": {"last_read_id": "9"}})
    assert api.get("/api/v1/markers", {"timeline[]": "home"}).json() == {}


def test_nothing_to_save_saves_nothing(api):
    assert api.post("/api/v1/markers", {}).json() == {}
    assert api.post("/api/v1/markers", {"public": {"last_read_id": "1"}}).json() == {}
    assert not Marker.objects.exists()


@pytest.mark.parametrize(
    "value", ["²", "-1", "", "99999999999999999999", "\x00", [], {}, True, 1.5, "x" * 5000]
)
def test_hostile_marker_ids_are_refused(api, value):
    response = api.post("/api/v1/markers", {"home": {"last_read_id": value}})
    assert response.status_code == 422
    assert response.json()["error"] == "Must be the id of a post or a notification."
    assert not Marker.objects.exists()
    response = api.post("/api/v1/markers", {"home": value})
    assert response.status_code in (200, 422)
    assert not Marker.objects.exists()


def test_marker_service_counts_versions(user):
    from api.services import marker_save

    first = marker_save(user=user, timeline="home", last_read_id=5)
    second = marker_save(user=user, timeline="home", last_read_id=4)
    assert (first.version, second.version, second.last_read_id) == (1, 2, 4)
    assert Marker.objects.count() == 1


# --- grouped notifications (Mastodon 4.3), each a group of one ------------------------------


def test_grouped_notifications(api, user, every_kind):
    mine, fan, asker = every_kind
    response = api.get("/api/v2/notifications")
    assert response.status_code == 200
    data = response.json()
    assert_entity(data, "GroupedNotificationsResults")
    groups = data["notification_groups"]
    assert [group["type"] for group in groups] == [
        "follow_request",
        "follow",
        "reblog",
        "favourite",
        "mention",
        "mention",
    ]
    assert all(group["notifications_count"] == 1 for group in groups)
    assert sorted(person["username"] for person in data["accounts"]) == ["asker", "fan"]
    status_ids = {status["id"] for status in data["statuses"]}
    assert {group["status_id"] for group in groups if "status_id" in group} == status_ids
    assert str(mine.pk) in status_ids
    assert groups[0]["sample_account_ids"] == [str(asker.pk)]
    key = groups[3]["group_key"]
    assert key == f"ungrouped-{groups[3]['most_recent_notification_id']}"
    one = api.get(f"/api/v2/notifications/{key}").json()
    assert_entity(one, "GroupedNotificationsResults")
    assert [group["group_key"] for group in one["notification_groups"]] == [key]
    accounts = api.get(f"/api/v2/notifications/{key}/accounts").json()
    assert [person["username"] for person in accounts] == ["fan"]
    assert api.post(f"/api/v2/notifications/{key}/dismiss").json() == {}
    assert len(api.get("/api/v2/notifications").json()["notification_groups"]) == 5
    filtered = api.get("/api/v2/notifications", {"types[]": "mention"}).json()
    assert [group["type"] for group in filtered["notification_groups"]] == ["mention"] * 2


def test_grouped_notifications_page_and_cost_the_same(api, user):
    expected = [str(row.pk) for row in _likes(user, 25)]
    response = api.get("/api/v2/notifications", {"limit": 20})
    ids = [group["most_recent_notification_id"] for group in response.json()["notification_groups"]]
    assert ids == expected[:20]
    rest = api.get(_next_link(response)).json()["notification_groups"]
    assert [group["most_recent_notification_id"] for group in rest] == expected[20:]

    def count(limit):
        with CaptureQueriesContext(connection) as captured:
            api.get("/api/v2/notifications", {"limit": limit})
        return len(captured.captured_queries)

    assert count(1) == count(25)


@pytest.mark.parametrize("key", ["1", "grouped-1", "ungrouped-", "ungrouped-²", "ungrouped-x"])
def test_unknown_groups_are_not_found(api, key):
    assert api.get(f"/api/v2/notifications/{key}").status_code == 404
    assert api.post(f"/api/v2/notifications/{key}/dismiss").status_code == 404


def test_someone_elses_group_is_not_found(api):
    other = UserFactory()
    post_services.like_create(user=UserFactory(), post=post_published(other, "Theirs"))
    key = f"ungrouped-{Notification.objects.get(recipient=other).pk}"
    assert api.get(f"/api/v2/notifications/{key}").status_code == 404
    assert api.post(f"/api/v2/notifications/{key}/dismiss").status_code == 404
    assert Notification.objects.filter(recipient=other).exists()


def test_policy_requests_and_v2_unread_count(api, user):
    _likes(user, 2)
    policy = api.get("/api/v2/notifications/policy").json()
    assert policy["for_not_following"] == "accept"
    assert policy["summary"] == {"pending_requests_count": 0, "pending_notifications_count": 0}
    assert api.get("/api/v1/notifications/requests").json() == []
    assert api.get("/api/v2/notifications/unread_count").json() == {"count": 2}
    assert ApiClient().get("/api/v2/notifications").status_code == 401
