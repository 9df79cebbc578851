"""The Notification entity, for a page of notifications at once, and our kinds as Mastodon's
types."""

from api.entities.accounts import Origin, account, people_by_id
from api.entities.statuses import StatusWriter
from api.http import iso
from posts.models import Notification, Post

Kind = Notification.Kind

# A reply is a mention in Mastodon (the reply names the person it answers).
TYPES = {
    Kind.MENTION: "mention",
    Kind.REPLY: "mention",
    Kind.FOLLOW_REQUEST: "follow_request",
    Kind.LIKE: "favourite",
    Kind.REPOST: "reblog",
    Kind.FOLLOW: "follow",
}


def kinds_of(types) -> set[str]:
    """Our kinds for Mastodon's notification `types` (those we have no kind for match none)."""
    wanted = set(types)
    return {kind for kind, name in TYPES.items() if name in wanted}


class _Loaded:
    """What a page of notifications shows, loaded at once: the posts with what a status shows,
    their authors, the actors."""

    def __init__(self, rows: list[Notification], viewer, origin: Origin):
        post_ids = {row.post_id for row in rows if row.post_id}
        self.posts = {}
        if post_ids:
            found = Post.objects.with_card_data(viewer).filter(pk__in=post_ids)
            self.posts = {post.pk: post for post in found}
        self.writer = StatusWriter(list(self.posts.values()), viewer, origin)
        self.actors = people_by_id(row.actor_id for row in rows)


def notifications(rows: list[Notification], viewer, origin: Origin) -> list[dict]:
    """Notification entities for `rows` (from posts.selectors.notifications_visible), in a
    fixed number of queries."""
    loaded = _Loaded(rows, viewer, origin)
    found = []
    for row in rows:
        entity = {
            "id": str(row.pk),
            "type": TYPES.get(row.kind, row.kind),
            "group_key": group_key(row),
            "created_at": iso(row.created_at),
            "account": account(loaded.actors[row.actor_id], origin),
        }
        if row.post_id in loaded.posts:
            entity["status"] = loaded.writer.status(loaded.posts[row.post_id])
        found.append(entity)
    return found


def group_key(row: Notification) -> str:
    """Each notification is a group of its own: Mastodon's form for one not grouped."""
    return f"ungrouped-{row.pk}"


def grouped(rows: list[Notification], viewer, origin: Origin) -> dict:
    """GroupedNotificationsResults (GET /api/v2/notifications) for `rows`, each its own group
    of one: the accounts and statuses once each, the groups naming them by id."""
    loaded = _Loaded(rows, viewer, origin)
    groups = []
    for row in rows:
        group = {
            "group_key": group_key(row),
            "notifications_count": 1,
            "type": TYPES.get(row.kind, row.kind),
            "most_recent_notification_id": str(row.pk),
            "page_min_id": str(row.pk),
            "page_max_id": str(row.pk),
            "latest_page_notification_at": iso(row.created_at),
            "sample_account_ids": [str(row.actor_id)],
        }
        if row.post_id in loaded.posts:
            group["status_id"] = str(row.post_id)
        groups.append(group)
    return {
        "accounts": [account(person, origin) for person in loaded.actors.values()],
        "statuses": loaded.writer.statuses(list(loaded.posts.values())),
        "notification_groups": groups,
    }
