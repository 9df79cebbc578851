"""Reads about posts: conversations, tag pages, notifications; each a fixed number of queries."""

from django.db import connection

from posts import text as post_text
from posts.models import Hashtag, Notification, Post

PAGE_SIZE = 20
MAX_ANCESTORS = 50
MAX_REPLIES = 100


def post_ancestor_ids(*, post: Post, limit: int = MAX_ANCESTORS) -> list[int]:
    """Ids of the posts `post` replies to, up the chain, nearest first (one recursive query)."""
    table = connection.ops.quote_name(Post._meta.db_table)
    sql = f"""
        WITH RECURSIVE chain(id, parent_id, depth) AS (
            SELECT id, in_reply_to_id, 0 FROM {table} WHERE id = %s
            UNION ALL
            SELECT p.id, p.in_reply_to_id, c.depth + 1
            FROM {table} p JOIN chain c ON p.id = c.parent_id
            WHERE c.depth < %s
        )
        SELECT id FROM chain WHERE depth > 0 ORDER BY depth
    """  # noqa: S608 -- the table name comes from our model, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [post.pk, limit])
        return [row[0] for row in cursor.fetchall()]


def post_conversation(*, post: Post, viewer) -> tuple[list[Post], list[Post]]:
    """The visible posts above `post` (oldest first) and its visible direct replies (oldest
    first, at most MAX_REPLIES), ready for cards. Three queries whatever the thread's size.
    """
    ancestor_ids = post_ancestor_ids(post=post)
    ancestors = []
    if ancestor_ids:
        by_id = {
            p.pk: p
            for p in Post.objects.visible()
            .without_hidden_people(viewer, mutes=False)
            .with_card_data(viewer)
            .filter(pk__in=ancestor_ids)
        }
        ancestors = [by_id[pk] for pk in reversed(ancestor_ids) if pk in by_id]
    replies = list(
        Post.objects.visible()
        .without_hidden_people(viewer, mutes=False)
        .with_card_data(viewer)
        .filter(in_reply_to=post)
        .order_by("id")[:MAX_REPLIES]
    )
    return ancestors, replies


def tag_posts(*, tag: str, viewer, before: int | None = None, limit: int = PAGE_SIZE):
    """Visible posts with hashtag `tag` (any case), newest first, `limit` of them below id
    `before`. Returns (posts, next_before) where next_before is None on the last page.
    """
    posts = (
        Post.objects.visible()
        .without_hidden_people(viewer)
        .with_card_data(viewer)
        .filter(hashtags__name=post_text.hashtag_key(tag))
    )
    if before is not None:
        posts = posts.filter(id__lt=before)
    return _page(posts, limit)


def hashtag_exists(tag: str) -> bool:
    return Hashtag.objects.filter(name=post_text.hashtag_key(tag)).exists()


def notifications_for(*, user, before: int | None = None, limit: int = PAGE_SIZE):
    """`user`'s visible notifications, newest first, keyset-paginated like tag_posts."""
    notifications = (
        Notification.objects.visible()
        .without_hidden_people(user)
        .filter(recipient=user)
        .select_related("actor", "post", "post__author")
    )
    if before is not None:
        notifications = notifications.filter(id__lt=before)
    return _page(notifications, limit)


def notifications_unread_count(*, user) -> int:
    return (
        Notification.objects.visible()
        .without_hidden_people(user)
        .unread()
        .filter(recipient=user)
        .count()
    )


def _page(queryset, limit: int):
    # One row more than asked tells whether there is a next page without a COUNT query.
    rows = list(queryset.order_by("-id")[: limit + 1])
    next_before = rows[limit - 1].pk if len(rows) > limit else None
    return rows[:limit], next_before
