"""Receivers that keep home timelines filled. Connected in FollowsConfig.ready()."""

from django.conf import settings
from django.db import connection

from follows.models import Follow, TimelineEntry


def fan_out_post(sender, *, post, **kwargs):
    """Write a new post into its author's timeline and every follower's: one INSERT ... SELECT.

    Runs inside post_create's transaction, so a post and its timeline rows appear together. Then
    trims the timelines sampled for this post (see follows.models). About 5 µs per follower; a
    site whose authors have tens of thousands of followers would move this to a background task
    (django.tasks) started on commit.
    """
    entries = TimelineEntry._meta.db_table
    follows = Follow._meta.db_table
    with connection.cursor() as cursor:
        # The WHERE in the last SELECT is required by SQLite before ON CONFLICT (parser ambiguity).
        cursor.execute(
            f"INSERT INTO {entries} (owner_id, post_id) "  # noqa: S608 (table names, not input)
            f"SELECT %s, %s UNION ALL "
            f"SELECT follower_id, %s FROM {follows} WHERE followee_id = %s "
            f"ON CONFLICT DO NOTHING",
            [post.author_id, post.pk, post.pk, post.author_id],
        )
    timelines_trim(author_id=post.author_id, post_id=post.pk)


def timelines_trim(*, author_id: int, post_id: int) -> None:
    """Cut the timelines sampled for this post (author and followers) to TIMELINE_MAX_ENTRIES.

    A timeline is sampled when (owner_id + post_id) is a multiple of TIMELINE_TRIM_EVERY, so each
    one is looked at about every TIMELINE_TRIM_EVERY new rows: trimming is batched instead of
    paid by every timeline on every post. Rows older than the owner's newest TIMELINE_MAX_ENTRIES
    are deleted; a timeline shorter than that is untouched (the subquery finds no row).
    """
    keep = settings.TIMELINE_MAX_ENTRIES
    every = max(1, settings.TIMELINE_TRIM_EVERY)
    entries = TimelineEntry._meta.db_table
    follows = Follow._meta.db_table
    # First each sampled owner's cutoff (the post id of their newest-but-`keep`th row, one index
    # probe each), then the rows below it by index range. Written as a join rather than a
    # correlated subquery per row, which PostgreSQL ran as a scan of every timeline row (5 s for
    # a post by someone with 9,000 followers at 8 M rows). DELETE ... USING is not in SQLite.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {entries} WHERE id IN ("  # noqa: S608 (table names, not input)
            f"  SELECT old.id FROM ("
            f"    SELECT owners.owner_id, ("
            f"      SELECT kept.post_id FROM {entries} kept WHERE kept.owner_id = owners.owner_id"
            f"      ORDER BY kept.post_id DESC LIMIT 1 OFFSET %s"
            f"    ) AS cutoff FROM ("
            f"      SELECT follower_id AS owner_id FROM {follows}"
            f"      WHERE followee_id = %s AND (follower_id + %s) %% %s = 0"
            f"      UNION ALL SELECT %s WHERE (%s + %s) %% %s = 0"
            f"    ) owners"
            f"  ) cut JOIN {entries} old"
            f"  ON old.owner_id = cut.owner_id AND old.post_id < cut.cutoff"
            f")",
            [keep - 1, author_id, post_id, every, author_id, author_id, post_id, every],
        )
