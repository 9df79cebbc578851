"""Writes: following and unfollowing, and the stored home timelines they and new posts fill."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q

from accounts.models import Block, User, Visibility, visible_people
from accounts.services import block_check
from core.db import get_or_create
from core.ratelimit import rate_limit_hit
from core.tasks import enqueue
from follows import tasks
from follows.models import Follow, FollowRequest, TimelineEntry
from posts.models import Notification, Post
from posts.services import notification_create, notification_withdraw


@transaction.atomic
def follow_create(*, follower: User, followee: User) -> Follow | FollowRequest:
    """follower follows followee; following someone already followed changes nothing. When
    followee approves their followers, this is a FollowRequest instead, until they accept it
    (`follow_request_answer`).

    Nobody follows themselves or a suspended or deactivated account (ValidationError). New follows
    and requests count against the "follow" rate limit and notify the followee; a new follow
    queues the copy of the followee's newest TIMELINE_BACKFILL posts into the follower's timeline
    (`tasks.backfill`).
    """
    if follower.pk == followee.pk:
        raise ValidationError("You can't follow yourself.", code="self_follow")
    if not followee.is_visible:
        raise ValidationError("This account can't be followed.", code="unavailable")
    block_check(actor=follower, other=followee, action="follow")
    existing = Follow.objects.filter(follower=follower, followee=followee).first()
    if existing is not None:
        return existing
    # Read as stored and locked, so that turning approval off (which accepts the requests
    # waiting, under the same lock) cannot miss a request made meanwhile. FOR NO KEY UPDATE:
    # the rows that name the person (a new follow's key check) may still be written.
    approving = (
        User.objects.select_for_update(no_key=True)
        .values_list("approve_followers", flat=True)
        .get(pk=followee.pk)
    )
    if approving:
        return _follow_request(follower=follower, followee=followee)
    rate_limit_hit(scope="follow", key=f"user:{follower.pk}")
    return _follow_make(follower=follower, followee=followee)


def _follow_request(*, follower: User, followee: User) -> FollowRequest:
    existing = FollowRequest.objects.filter(follower=follower, followee=followee).first()
    if existing is not None:
        return existing
    rate_limit_hit(scope="follow", key=f"user:{follower.pk}")
    request, created = get_or_create(FollowRequest, follower=follower, followee=followee)
    if created:
        notification_create(
            recipient=followee, actor=follower, kind=Notification.Kind.FOLLOW_REQUEST
        )
    return request


def _follow_make(*, follower: User, followee: User, notify: bool = True) -> Follow:
    try:
        # A savepoint, so a lost race (two clicks at once) leaves the outer transaction usable.
        with transaction.atomic():
            follow = Follow.objects.create(follower=follower, followee=followee)
    except IntegrityError:
        return Follow.objects.get(follower=follower, followee=followee)
    if notify:
        _notify_followed(follow)
    enqueue(tasks.backfill, follower.pk, followee.pk)
    return follow


@transaction.atomic
def follow_request_answer(*, user: User, follower: User, accept: bool) -> bool:
    """`user` accepts (the Follow is made, as follow_create makes it) or rejects `follower`'s
    request to follow them; the request and its notification go either way. False when there
    was no such request (answered already, withdrawn)."""
    deleted, _ = FollowRequest.objects.filter(follower=follower, followee=user).delete()
    notification_withdraw(
        recipient=user, actor=follower, kind=Notification.Kind.FOLLOW_REQUEST, unread=False
    )
    if not deleted:
        return False
    if accept:
        if not follower.is_visible:
            raise ValidationError("This account can't follow you now.", code="unavailable")
        block_check(actor=user, other=follower, action="accept")
        _follow_make(follower=follower, followee=user, notify=False)
    return True


def follow_requests_accept_all(*, user: User) -> int:
    """Accept every request waiting for `user` (they stopped approving followers). Returns how
    many."""
    waiting = FollowRequest.objects.filter(visible_people("follower__"), followee=user)
    waiting = waiting.select_related("follower")
    accepted = 0
    for request in waiting:
        accepted += follow_request_answer(user=user, follower=request.follower, accept=True)
    return accepted


@transaction.atomic
def follow_delete(*, follower: User, followee: User) -> bool:
    """follower stops following followee (True if they were following), or withdraws their
    request to. Their posts leave follower's home timeline in a task (`tasks.unfollow_clean`)."""
    withdrawn, _ = FollowRequest.objects.filter(follower=follower, followee=followee).delete()
    if withdrawn:
        notification_withdraw(
            recipient=followee, actor=follower, kind=Notification.Kind.FOLLOW_REQUEST
        )
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    if not deleted:
        return False
    notification_withdraw(recipient=followee, actor=follower, kind="follow")
    enqueue(tasks.unfollow_clean, follower.pk, followee.pk)
    return True


def block_apply(*, blocker: User, blocked: User) -> None:
    """The follows side of a block (a receiver of accounts.signals.block_created, inside
    block_create's transaction): the follows between the two go both ways, with their
    "followed you" notifications; a task (`tasks.block_clean`) takes each one's posts, and
    reposts of them, out of the other's stored home timeline. Until then the timelines hide
    them anyway: every read leaves out people blocked either way."""
    follow_delete(follower=blocker, followee=blocked)
    follow_delete(follower=blocked, followee=blocker)
    enqueue(tasks.block_clean, blocker.pk, blocked.pk)


def timelines_unfollow_clean(*, owner_id: int, author_id: int) -> int:
    """Take `author_id`'s posts out of `owner_id`'s home timeline, unless the owner follows
    them again by now. Returns the rows deleted."""
    if Follow.objects.filter(follower_id=owner_id, followee_id=author_id).exists():
        return 0
    return TimelineEntry.objects.filter(owner_id=owner_id, post__author_id=author_id).delete()[0]


def timelines_block_clean(*, blocker_id: int, blocked_id: int) -> int:
    """Neither of the two keeps the other's posts, or reposts of them, in their home timeline,
    while the block stands (run late, after an unblock and new follows, it must not undo them).
    Returns the rows deleted."""
    if not Block.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists():
        return 0
    deleted = 0
    for owner, author in ((blocker_id, blocked_id), (blocked_id, blocker_id)):
        deleted += TimelineEntry.objects.filter(
            Q(post__author_id=author) | Q(post__repost_of__author_id=author), owner_id=owner
        ).delete()[0]
    return deleted


def timeline_rebuild(*, owner: User) -> int:
    """Rebuild `owner`'s stored home timeline from the posts table: their own posts and those of
    everyone they follow, newest TIMELINE_MAX_ENTRIES. For data that predates the timelines (or
    was bulk-loaded, e.g. by a benchmark); the site keeps timelines current by itself. Returns
    the number of rows stored."""
    followees = Follow.objects.filter(follower=owner).values("followee_id")
    post_ids = list(
        Post.objects.filter(Q(author_id__in=followees) | Q(author_id=owner.pk))
        .filter(removed_at__isnull=True)
        .without_messages()
        .order_by("-id")
        .values_list("id", flat=True)[: settings.TIMELINE_MAX_ENTRIES]
    )
    with transaction.atomic():
        TimelineEntry.objects.filter(owner=owner).delete()
        TimelineEntry.objects.bulk_create(
            [TimelineEntry(owner=owner, post_id=post_id) for post_id in post_ids],
            batch_size=500,
        )
    return len(post_ids)


def timelines_sweep() -> int:
    """Delete stored timeline rows whose owner or post no longer exists, and return how many.

    The table has no database constraints (see TimelineEntry), so a race can leave such a row:
    an account deleted while someone it followed posted, a post deleted while its author was
    being followed. They are never shown; this keeps them from piling up.

    Two statements, one NOT EXISTS each, which PostgreSQL runs as hash anti-joins; joined by OR,
    it probed the posts index for every row, three times slower (bench/README.md). On SQLite each
    statement holds the write lock while it runs (seconds at millions of rows): run it when the
    site is quiet, as after a bulk load."""
    entries = TimelineEntry.objects
    owner_gone = entries.filter(~Exists(User.objects.filter(pk=OuterRef("owner_id"))))
    post_gone = entries.filter(~Exists(Post.objects.filter(pk=OuterRef("post_id"))))
    return owner_gone.delete()[0] + post_gone.delete()[0]


def timeline_backfill(*, owner_id: int, author_id: int) -> None:
    """Copy `author_id`'s newest TIMELINE_BACKFILL posts into `owner_id`'s home timeline, if the
    owner still follows them; rows already there are left alone."""
    if not Follow.objects.filter(follower_id=owner_id, followee_id=author_id).exists():
        return
    post_ids = (
        Post.objects.filter(author_id=author_id, removed_at__isnull=True)
        .without_messages()
        .order_by("-id")
        .values_list("id", flat=True)[: settings.TIMELINE_BACKFILL]
    )
    TimelineEntry.objects.bulk_create(
        [TimelineEntry(owner_id=owner_id, post_id=post_id) for post_id in post_ids],
        ignore_conflicts=True,
    )


def _notify_followed(follow: Follow) -> None:
    notification_create(recipient=follow.followee, actor=follow.follower, kind="follow")


def timeline_fan_out(*, post: Post) -> None:
    """A new post (or repost) in timelines: its author's own at once (inside post_create's
    transaction, via follows.receivers, so the author sees it on the next page), and every
    follower's through `follows.tasks.fan_out`, FAN_OUT_BATCH followers a task, so that an
    account with many followers never makes its post wait, nor holds a worker for long. With
    the database queue the task is stored in the same transaction as the post; Redis is handed
    it once that transaction commits (`core.tasks.enqueue`). Messages (direct posts) go to
    their conversation instead: no timeline has them."""
    if post.visibility == Visibility.DIRECT:
        return
    entries = TimelineEntry._meta.db_table
    with connection.cursor() as cursor:
        # The WHERE is required by SQLite before ON CONFLICT (parser ambiguity).
        cursor.execute(
            f"INSERT INTO {entries} (owner_id, post_id) "  # noqa: S608 (table names, not input)
            f"SELECT %s, %s WHERE true ON CONFLICT DO NOTHING",
            [post.author_id, post.pk],
        )
    timelines_trim(author_id=post.author_id, post_id=post.pk, followers=False)
    enqueue(tasks.fan_out, post.pk, 0)


def timeline_fan_out_batch(*, post_id: int, author_id: int, after: int) -> int | None:
    """Write `post_id` into the timelines of `author_id`'s next FAN_OUT_BATCH followers, those
    with ids above `after`: one INSERT ... SELECT, rows already there left alone (so running it
    twice changes nothing). Then trims the batch's sampled timelines. Returns the last follower
    id written, or None when there were no more."""
    batch = settings.FAN_OUT_BATCH
    follower_ids = list(
        Follow.objects.filter(followee_id=author_id, follower_id__gt=after)
        .order_by("follower_id")
        .values_list("follower_id", flat=True)[:batch]
    )
    if not follower_ids:
        return None
    upto = follower_ids[-1]
    entries = TimelineEntry._meta.db_table
    follows = Follow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {entries} (owner_id, post_id) "  # noqa: S608 (table names, not input)
            f"SELECT follower_id, %s FROM {follows} "
            f"WHERE followee_id = %s AND follower_id > %s AND follower_id <= %s "
            f"ON CONFLICT DO NOTHING",
            [post_id, author_id, after, upto],
        )
    timelines_trim(author_id=author_id, post_id=post_id, after=after, upto=upto)
    return upto if len(follower_ids) == batch else None


def timelines_trim(
    *,
    author_id: int,
    post_id: int,
    followers: bool = True,
    after: int = 0,
    upto: int | None = None,
) -> None:
    """Cut the timelines sampled for this post to TIMELINE_MAX_ENTRIES: the author's, or
    (`followers`) those of the author's followers with ids in (after, upto].

    A timeline is sampled when (owner_id + post_id) is a multiple of TIMELINE_TRIM_EVERY, so each
    one is looked at about every TIMELINE_TRIM_EVERY new rows: trimming is batched instead of
    paid by every timeline on every post. Rows older than the owner's newest TIMELINE_MAX_ENTRIES
    are deleted; a timeline shorter than that is untouched (the subquery finds no row).
    """
    keep = settings.TIMELINE_MAX_ENTRIES
    every = max(1, settings.TIMELINE_TRIM_EVERY)
    entries = TimelineEntry._meta.db_table
    follows = Follow._meta.db_table
    if followers:
        owners = (
            f"SELECT follower_id AS owner_id FROM {follows} WHERE followee_id = %s "  # noqa: S608
            f"AND follower_id > %s AND follower_id <= %s AND (follower_id + %s) %% %s = 0"
        )
        params = [author_id, after, upto if upto is not None else 2**62, post_id, every]
    else:
        owners = "SELECT %s AS owner_id WHERE (%s + %s) %% %s = 0"
        params = [author_id, author_id, post_id, every]
    # First each sampled owner's cutoff (the post id of their newest-but-`keep`th row, one index
    # probe each), then the rows below it by index range. Written as a join rather than a
    # correlated subquery per row, which PostgreSQL runs as a scan of every timeline row.
    # DELETE ... USING is not in SQLite.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {entries} WHERE id IN ("  # noqa: S608 (table names, not input)
            f"  SELECT old.id FROM ("
            f"    SELECT owners.owner_id, ("
            f"      SELECT kept.post_id FROM {entries} kept WHERE kept.owner_id = owners.owner_id"
            f"      ORDER BY kept.post_id DESC LIMIT 1 OFFSET %s"
            f"    ) AS cutoff FROM ({owners}) owners"
            f"  ) cut JOIN {entries} old"
            f"  ON old.owner_id = cut.owner_id AND old.post_id < cut.cutoff"
            f")",
            [keep - 1, *params],
        )
