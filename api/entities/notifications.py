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


def notifications(rows: list[Notification], viewer, origin: Origin) -> list[dict]:
    """Notification entities for `rows` (from posts.selectors.notifications_visible): the
    posts with what a status shows, their authors and the actors in a fixed number of
    queries."""
    post_ids = {row.post_id for row in rows if row.post_id}
    posts = {}
    if post_ids:
        posts = {
            post.pk: post for post in Post.objects.with_card_data(viewer).filter(pk__in=post_ids)
        }
    writer = StatusWriter(list(posts.values()), viewer, origin)
    actors = people_by_id(row.actor_id for row in rows)
    found = []
    for row in rows:
        entity = {
            "id": str(row.pk),
            "type": TYPES.get(row.kind, row.kind),
            "group_key": f"ungrouped-{row.pk}",
            "created_at": iso(row.created_at),
            "account": account(actors[row.actor_id], origin),
        }
        if row.post_id in posts:
            entity["status"] = writer.status(posts[row.post_id])
        found.append(entity)
    return found
