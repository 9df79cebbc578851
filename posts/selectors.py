"""Reads about posts: conversations, tag pages, notifications; each a fixed number of queries."""

from django.db import connection

from accounts.models import User, hidden_from, visible_people
from core.paging import PAGE_SIZE, Page, keyset_page
from core.statements import run_scalar, statement
from posts import text as post_text
from posts.cards import CardRow, card_rows, reply_rows
from posts.models import Like, Notification, Post

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


def post_likes(*, post: Post, viewer):
    """The likes of `post` by people who may be shown, less those `viewer` blocks, is blocked
    by or mutes (who liked it, as a list pages it: by the like's id)."""
    return Like.objects.filter(visible_people("user__"), post=post).exclude(
        hidden_from(viewer, "user_id")
    )


def post_reposts(*, post: Post, viewer):
    """The visible reposts of `post`, less those by people `viewer` blocks, is blocked by or
    mutes (who reposted it, paged by the repost's id)."""
    return Post.objects.visible().filter(repost_of=post).exclude(hidden_from(viewer, "author_id"))


def likes_of(*, user):
    """`user`'s likes of posts they may still read (`Post.objects.readable_by`), less those of
    people they block or are blocked by: their favourites, paged by the like's id."""
    readable = Post.objects.readable_by(user).without_hidden_people(user, mutes=False)
    return Like.objects.filter(user=user, post__in=readable.values("pk"))


def post_ancestors(*, post: Post, viewer) -> list[Post]:
    """The posts above `post` that `viewer` may read and has not hidden, oldest first, ready for
    cards: one query, two when there are any."""
    ancestor_ids = post_ancestor_ids(post=post)
    if not ancestor_ids:
        return []
    by_id = {
        p.pk: p
        for p in Post.objects.readable_by(viewer)
        .without_hidden_people(viewer, mutes=False)
        .with_card_data(viewer)
        .filter(pk__in=ancestor_ids)
    }
    return [by_id[pk] for pk in reversed(ancestor_ids) if pk in by_id]


def post_conversation(*, post: Post, viewer) -> tuple[list[CardRow], list[CardRow]]:
    """The visible posts above `post` (oldest first) and its visible direct replies (oldest
    first, at most MAX_REPLIES), as the permalink's cards (`posts.cards.CardRow`): three queries
    whatever the thread's size; the first time, each list's posts whose cards are not kept yet
    in one more (and their attachments, if any, in another)."""
    ancestor_ids = post_ancestor_ids(post=post)
    found = card_rows(ancestor_ids, viewer, readable=True, mutes=False)
    by_id = {row.pk: row for row in found}
    ancestors = [by_id[pk] for pk in reversed(ancestor_ids) if pk in by_id]
    return ancestors, reply_rows(post.pk, viewer, limit=MAX_REPLIES)


MAX_DESCENDANTS = 1000
MAX_DEPTH = 100


def post_descendants(*, post: Post, viewer, limit: int = MAX_DESCENDANTS) -> list[Post]:
    """Every reply below `post` to MAX_DEPTH levels (the `limit` earliest) that `viewer` may
    read and has not hidden (as `post_conversation`'s replies), ready for cards, depth first:
    each reply followed by the replies to it, oldest first at each level (how apps lay out a
    thread). Two queries whatever the thread's size."""
    table = connection.ops.quote_name(Post._meta.db_table)
    sql = f"""
        WITH RECURSIVE tree(id, parent_id, depth) AS (
            SELECT id, in_reply_to_id, 1 FROM {table} WHERE in_reply_to_id = %s
            UNION ALL
            SELECT p.id, p.in_reply_to_id, t.depth + 1
            FROM {table} p JOIN tree t ON p.in_reply_to_id = t.id
            WHERE t.depth < %s
        )
        SELECT id, parent_id FROM tree ORDER BY id LIMIT %s
    """  # noqa: S608 -- the table name comes from our model, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [post.pk, MAX_DEPTH, limit])
        rows = cursor.fetchall()
    if not rows:
        return []
    by_id = {
        found.pk: found
        for found in Post.objects.readable_by(viewer)
        .without_hidden_people(viewer, mutes=False)
        .with_card_data(viewer)
        .filter(pk__in=[pk for pk, _ in rows])
    }
    children: dict[int, list[int]] = {}
    for pk, parent_id in rows:  # in id order, so each level is oldest first
        children.setdefault(parent_id, []).append(pk)
    ordered, stack = [], list(reversed(children.get(post.pk, [])))
    while stack:
        pk = stack.pop()
        ordered.append(pk)
        stack.extend(reversed(children.get(pk, [])))
    return [by_id[pk] for pk in ordered if pk in by_id]


def tag_posts(
    *,
    tag: str,
    viewer,
    before: int | None = None,
    limit: int = PAGE_SIZE,
    after: int | None = None,
    oldest_first: bool = False,
    only_media: bool = False,
    rows: bool = False,
) -> Page:
    """Public posts with hashtag `tag` (any case), newest first, `limit` of them below id
    `before` (`core.paging.keyset_page` reads `after` and `oldest_first` too); with
    `only_media`, those with pictures or sound. With `rows`, the cards as rows for a page
    (`PostQuerySet.card_page`)."""
    posts = (
        Post.objects.listed()
        .without_hidden_people(viewer)
        .filter(hashtags__name=post_text.hashtag_key(tag))
    )
    if only_media:
        posts = posts.filter(has_media=True)
    return posts.card_page(
        viewer, rows=rows, before=before, limit=limit, after=after, oldest_first=oldest_first
    )


def notifications_for(*, user, before: int | None = None, limit: int = PAGE_SIZE) -> Page:
    """`user`'s visible notifications, newest first, `limit` of them below id `before`."""
    notifications = notifications_visible(user=user).select_related("actor", "post", "post__author")
    return keyset_page(notifications, before=before, limit=limit)


def notifications_visible(*, user):
    """The notifications `user` may be shown, unordered: theirs, whose actor can still be seen
    and is not hidden from them, about a post they may still read (if any)."""
    return (
        Notification.objects.visible()
        .readable_by(user)
        .without_hidden_people(user)
        .filter(recipient=user)
    )


def notifications_unread_count(*, user) -> int:
    """How many of `user`'s visible notifications are unread. Shown on every signed-in page, so
    its statement is compiled once a process (`core.statements`)."""
    return run_scalar(statement("notifications_unread_count", _unread_count_sql, [user.pk]))


def _unread_count_sql(person_id: int) -> tuple[str, list]:
    unread = notifications_visible(user=User(pk=person_id)).unread().order_by().values("pk")
    sql, params = unread.query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) unread", list(params)  # noqa: S608 (compiled SQL)
