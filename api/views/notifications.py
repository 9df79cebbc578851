"""Notifications and markers (where a person stopped reading their home timeline and their
notifications). Reading notifications through the API marks none read: apps keep their place
with markers, as in Mastodon; the site's own page marks them read when it is opened."""

from django.core.exceptions import ValidationError
from django.urls import path

from api.entities.accounts import Origin
from api.entities.notifications import grouped, kinds_of, notifications
from api.http import ApiError, endpoint, iso, json_response
from api.models import Marker
from api.paging import paged, window, window_rows
from api.scopes import scope_covers
from api.services import marker_save
from core.query import parse_id
from posts import services
from posts.selectors import notifications_visible

# Mastodon's page of notifications: 40 by default, at most 80.
DEFAULT_LIMIT = 40
MAX_LIMIT = 80
UNREAD_LIMIT = 100
MAX_UNREAD_LIMIT = 1000


def _filtered(request):
    """The person's notifications narrowed by types[], exclude_types[] and account_id."""
    params = request.params
    rows = notifications_visible(user=request.user)
    if "types" in params:
        rows = rows.filter(kind__in=kinds_of(params.values("types")))
    if "exclude_types" in params:
        rows = rows.exclude(kind__in=kinds_of(params.values("exclude_types")))
    if "account_id" in params:
        actor_id = params.id("account_id")
        if actor_id is None:
            return rows.none()
        rows = rows.filter(actor_id=actor_id)
    return rows


@endpoint("GET", scope="read:notifications", user=True)
def notification_list(request):
    page = window(request.params, default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    rows = window_rows(_filtered(request), page)
    data = notifications(rows, request.user, Origin(request))
    first, last = (rows[0].pk, rows[-1].pk) if rows else (None, None)
    return paged(json_response(data), request, first, last)


@endpoint("GET", scope="read:notifications", user=True)
def notification_groups(request):
    """Mastodon 4.3's grouped notifications, which apps that see version 4.3 ask for: no two
    notifications are grouped here, so each is a group of one."""
    page = window(request.params, default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    rows = window_rows(_filtered(request), page)
    data = grouped(rows, request.user, Origin(request))
    first, last = (rows[0].pk, rows[-1].pk) if rows else (None, None)
    return paged(json_response(data), request, first, last)


def _grouped_id(group_key: str) -> int:
    number = parse_id(group_key.removeprefix("ungrouped-"))
    if not group_key.startswith("ungrouped-") or number is None:
        raise ApiError(404, "Record not found")
    return number


@endpoint("GET", scope="read:notifications", user=True)
def notification_group(request, group_key):
    row = notifications_visible(user=request.user).get(pk=_grouped_id(group_key))
    return json_response(grouped([row], request.user, Origin(request)))


@endpoint("POST", scope="write:notifications", user=True)
def notification_group_dismiss(request, group_key):
    services.notification_dismiss(user=request.user, notification_id=_grouped_id(group_key))
    return json_response({})


@endpoint("GET", scope="read:notifications", user=True)
def notification_group_accounts(request, group_key):
    row = notifications_visible(user=request.user).get(pk=_grouped_id(group_key))
    return json_response(grouped([row], request.user, Origin(request))["accounts"])


@endpoint("GET", scope="read:notifications", user=True)
def notification_policy(request):
    """Nothing is held back for review here: every kind is accepted."""
    return json_response(
        {
            "for_not_following": "accept",
            "for_not_followers": "accept",
            "for_new_accounts": "accept",
            "for_private_mentions": "accept",
            "for_limited_accounts": "accept",
            "summary": {"pending_requests_count": 0, "pending_notifications_count": 0},
        }
    )


@endpoint("GET", scope="read:notifications", user=True)
def notification_requests(request):
    return json_response([])


@endpoint("GET", scope="read:notifications", user=True)
def notification_detail(request, pk):
    row = notifications_visible(user=request.user).get(pk=pk)
    return json_response(notifications([row], request.user, Origin(request))[0])


@endpoint("POST", scope="write:notifications", user=True)
def notification_dismiss(request, pk):
    services.notification_dismiss(user=request.user, notification_id=pk)
    return json_response({})


@endpoint("POST", scope="write:notifications", user=True)
def notifications_clear(request):
    services.notifications_clear(user=request.user)
    return json_response({})


@endpoint("GET", scope="read:notifications", user=True)
def unread_count(request):
    """How many notifications are newer than the notifications marker, up to `limit`."""
    limit = request.params.integer("limit", default=UNREAD_LIMIT, low=1, high=MAX_UNREAD_LIMIT)
    rows = _filtered(request)
    marker = Marker.objects.filter(
        user=request.user, timeline=Marker.Timeline.NOTIFICATIONS
    ).first()
    if marker is not None:
        rows = rows.filter(pk__gt=marker.last_read_id)
    count = len(rows.order_by("-pk").values_list("pk", flat=True)[:limit])
    return json_response({"count": count})


def _marker(marker: Marker) -> dict:
    return {
        "last_read_id": str(marker.last_read_id),
        "version": marker.version,
        "updated_at": iso(marker.updated_at),
    }


@endpoint("GET", "POST", scope="read:statuses", user=True)
def markers(request):
    if request.method == "POST":
        return _markers_save(request)
    timelines = [name for name in request.params.values("timeline") if name in Marker.Timeline]
    found = Marker.objects.filter(user=request.user, timeline__in=timelines)
    return json_response({marker.timeline: _marker(marker) for marker in found})


def _markers_save(request):
    """POST: home[last_read_id] and notifications[last_read_id], as a form or nested JSON."""
    if request.token is not None and not scope_covers(request.token.scope, "write:statuses"):
        raise ApiError(403, "This action is outside the authorized scopes")
    saved = {}
    for timeline in Marker.Timeline.values:
        value = _last_read_id(request.params, timeline)
        if value is None:
            continue
        last_read_id = parse_id(value)
        if last_read_id is None:
            raise ValidationError(
                {f"{timeline}[last_read_id]": "Must be the id of a post or a notification."},
                code="invalid",
            )
        marker = marker_save(user=request.user, timeline=timeline, last_read_id=last_read_id)
        saved[timeline] = _marker(marker)
    return json_response(saved)


def _last_read_id(params, timeline: str) -> str | None:
    nested = params.raw(timeline)
    if isinstance(nested, dict):
        value = nested.get("last_read_id")
    else:
        value = params.raw(f"{timeline}[last_read_id]")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return str(value)


urlpatterns = [
    path("v1/notifications", notification_list, name="notifications"),
    path("v1/notifications/clear", notifications_clear, name="notifications_clear"),
    path("v1/notifications/unread_count", unread_count, name="notifications_unread_count"),
    path("v1/notifications/<id:pk>", notification_detail, name="notification"),
    path("v1/notifications/<id:pk>/dismiss", notification_dismiss, name="notification_dismiss"),
    path("v1/notifications/requests", notification_requests, name="notification_requests"),
    path("v2/notifications", notification_groups, name="notification_groups"),
    path("v2/notifications/policy", notification_policy, name="notification_policy"),
    path(
        "v2/notifications/unread_count",
        unread_count,
        name="notification_groups_unread_count",
    ),
    path("v2/notifications/<str:group_key>", notification_group, name="notification_group"),
    path(
        "v2/notifications/<str:group_key>/dismiss",
        notification_group_dismiss,
        name="notification_group_dismiss",
    ),
    path(
        "v2/notifications/<str:group_key>/accounts",
        notification_group_accounts,
        name="notification_group_accounts",
    ),
    path("v1/markers", markers, name="markers"),
]
