"""Writes about posts. Each service is one transaction that also writes its notifications."""

import uuid
from collections.abc import Sequence
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Max, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import Block, Visibility
from accounts.services import block_check, message_check
from core.db import get_or_create
from core.ratelimit import counted, per_person
from posts import media as media_files
from posts import text as post_text
from posts.models import Attachment, AuthorStats, Hashtag, Like, Notification, Post
from posts.signals import post_created

User = get_user_model()


def post_text_clean(text: str, *, media: bool = False) -> str:
    """Normalise `text` and apply the 140-character rule; raise ValidationError when it fails.
    A post with `media` (pictures or a sound clip) may have no text."""
    text = post_text.normalize(text or "")
    if post_text.has_forbidden_characters(text):
        raise ValidationError(
            "Remove the invisible control characters from your post.", code="control"
        )
    if not text and not media:
        raise ValidationError("Write something first.", code="empty")
    length = post_text.weighted_length(text)
    if length > post_text.MAX_LENGTH:
        raise ValidationError(
            "Posts can be at most %(limit)d characters; this one has %(length)d.",
            code="too_long",
            params={"limit": post_text.MAX_LENGTH, "length": length},
        )
    if len(text) > post_text.MAX_STORED_LENGTH:
        raise ValidationError(
            "Posts can be at most %(limit)d characters long counting links in full; "
            "this one has %(length)d.",
            code="too_long_stored",
            params={"limit": post_text.MAX_STORED_LENGTH, "length": len(text)},
        )
    return text


def count_add(post_id: int, field: str, n: int) -> None:
    """Add `n` (which may be negative) to one of a post's stored counts, in the database, so two
    people liking at once both count; never below zero."""
    Post.objects.filter(pk=post_id).update(**{field: Greatest(F(field) + n, Value(0))})


def replied_to_lock(post: Post) -> None:
    """Before changing the reply `post`, lock the post it replies to: a recount locks posts in id
    order, and the replied-to post's id is the lower, so both take the same order and cannot
    deadlock (a moderator removing a reply while its author's suspension recounts both)."""
    if post.in_reply_to_id:
        Post.objects.filter(pk=post.in_reply_to_id).locked()


def replied_to_recount(post: Post) -> None:
    """Recount the post `post` replies to (if any), after `post` is deleted, removed or
    restored."""
    if post.in_reply_to_id:
        Post.objects.filter(pk=post.in_reply_to_id).counts_refresh()


def posts_counting(*, user) -> set[int]:
    """Ids of the posts whose stored counts include something of `user`'s: what they liked,
    reposted and replied to. Read before an account is deleted, recounted after."""
    liked = Like.objects.filter(user=user).values_list("post_id", flat=True)
    touched = Post.objects.filter(author=user).values_list("repost_of_id", "in_reply_to_id")
    return set(liked) | {post_id for pair in touched for post_id in pair if post_id}


def counts_refresh_ids(ids) -> None:
    """Recount the posts with these ids, in id order (the order every post lock is taken in)
    and in batches, so no statement locks thousands of rows at once."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        Post.objects.filter(pk__in=ordered[start : start + 500]).counts_refresh()


def replies_recount(*, author) -> None:
    """Recount the replies of the posts `author` replied to, after `author`'s posts were hidden
    or shown again (a suspension, a deactivation, or their end)."""
    replied_to = Post.objects.filter(author=author, in_reply_to__isnull=False)
    Post.objects.filter(pk__in=replied_to.values("in_reply_to_id")).counts_refresh()


def author_stats_add(*, post: Post) -> None:
    """Count `post` (just written: a post or a repost) on its author's profile, in the
    transaction that wrote it. Messages are not counted. A person's first post makes their row
    by a recount. The last post's time and id only move forward: two posts of one person may
    reach the row in the other order than they were written."""
    if post.visibility == Visibility.DIRECT:
        return
    written, newest = Value(post.created_at), Value(post.pk)
    added = AuthorStats.objects.filter(author_id=post.author_id).update(
        posts_count=F("posts_count") + 1,
        last_post_at=Case(When(last_post_at__gt=written, then=F("last_post_at")), default=written),
        last_post_id=Case(When(last_post_id__gt=newest, then=F("last_post_id")), default=newest),
    )
    if not added:
        author_stats_refresh(author_ids=[post.author_id])


def author_stats_refresh(*, author_ids) -> None:
    """Recount these people's posts from their rows (`Post.objects.profile_counted()`): after a
    post is deleted, removed or restored, a repost undone, or rows written around the services.

    Each person's row is made when missing and locked (in id order, FOR UPDATE) before counting:
    an `author_stats_add` not yet committed holds it, so the count waits for it and includes its
    post; one that comes after the lock waits, then adds its one to the recount. Counting
    without the lock would miss a post committed meanwhile and overwrite its one."""
    ids = sorted({pk for pk in author_ids if pk is not None})
    for start in range(0, len(ids), 500):
        _author_stats_recount(ids[start : start + 500])


@transaction.atomic
def _author_stats_recount(ids: list[int]) -> None:
    AuthorStats.objects.bulk_create(
        [AuthorStats(author_id=pk) for pk in ids], ignore_conflicts=True
    )
    rows = AuthorStats.objects.filter(author_id__in=ids)
    if connection.features.has_select_for_update:  # SQLite: one writer at a time already
        list(rows.order_by("pk").select_for_update().values_list("pk", flat=True))
    counted = Post.objects.profile_counted().filter(author_id__in=ids).order_by()
    by_author = counted.values("author_id")
    counts = dict(by_author.annotate(n=Count("pk")).values_list("author_id", "n"))
    # The newest by id (index-only), then its time: MAX(created_at) would read every post.
    newest = Post.objects.filter(pk__in=by_author.annotate(last=Max("pk")).values("last"))
    last = {
        author: (pk, at) for author, pk, at in newest.values_list("author_id", "pk", "created_at")
    }
    AuthorStats.objects.bulk_update(
        [
            AuthorStats(
                author_id=pk,
                posts_count=counts.get(pk, 0),
                last_post_id=last.get(pk, (None, None))[0],
                last_post_at=last.get(pk, (None, None))[1],
            )
            for pk in ids
        ],
        ["posts_count", "last_post_id", "last_post_at"],
    )


def posts_hold(*, author) -> None:
    """Lock `author`'s posts until the transaction ends (FOR NO KEY UPDATE, in id order, as
    every post lock is taken): likes, reposts and replies of them wait, since each writes the
    post's count first. SQLite has one writer at a time: nothing to lock."""
    if connection.features.has_select_for_update:
        rows = Post.objects.filter(author=author).order_by("pk").select_for_update(no_key=True)
        list(rows.values_list("pk", flat=True))


def reposters_of(**filters) -> set[int]:
    """Ids of the people who reposted the posts matching `filters` (their reposts go with
    those posts, so their counts change)."""
    posts = Post.objects.filter(**filters).values("pk")
    return set(Post.objects.filter(repost_of__in=posts).values_list("author_id", flat=True))


def _check_can_write(user) -> None:
    if not user.is_visible:
        raise PermissionDenied("Suspended or pending accounts cannot post.")


def _readable_original(post: Post, user) -> Post:
    """The post people act on: the original when given a repost; `user` must be able to read
    it (`Post.objects.readable_by`)."""
    target_id = post.repost_of_id or post.pk
    try:
        return Post.objects.readable_by(user).select_related("author").get(pk=target_id)
    except Post.DoesNotExist:
        raise ValidationError("That post is no longer available.", code="gone") from None


def _visibility_for(author, visibility: str | None, in_reply_to: Post | None) -> str:
    """The visibility of a new post: as chosen, else the replied-to post's, else the author's
    default. A reply is never seen by more people than the post it answers."""
    if not visibility:
        visibility = in_reply_to.visibility if in_reply_to else author.default_visibility
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": "Choose who can see the post."}, code="invalid")
    if in_reply_to is not None and Visibility.width(visibility) > Visibility.width(
        in_reply_to.visibility
    ):
        raise ValidationError(
            {
                "visibility": "A reply can't reach more people than the post it answers "
                f"({Visibility(in_reply_to.visibility).label.lower()})."
            },
            code="wider",
        )
    return visibility


def _readers_check(author, readers: list) -> None:
    """A direct post goes to at least one person, each of whom takes it
    (`accounts.services.message_check`); someone who wrote to `author` privately may always be
    answered, whatever their "who can message you" setting says."""
    if not readers:
        raise ValidationError(
            {"text": "Mention who the message is for, like @username."}, code="no_readers"
        )
    for reader in readers:
        try:
            message_check(sender=author, recipient=reader)
        except ValidationError as error:
            answering = error.code in ("messages_off", "messages_following") and (
                Post.objects.filter(
                    author=reader, visibility=Visibility.DIRECT, mentions=author
                ).exists()
            )
            if not answering:
                raise ValidationError({"text": error}) from None


@counted("post", per_person("author"))
@transaction.atomic
def post_create(
    *,
    author,
    text: str,
    in_reply_to: Post | None = None,
    client_token: uuid.UUID | None = None,
    media: Sequence[tuple[int, str]] = (),
    visibility: str | None = None,
    recipients: Sequence = (),
) -> Post:
    """Write a post (a reply when `in_reply_to` is given) after the 140-character rule, with
    `media`: (id, description) of the author's drafts (`attachment_create`), in order, and a
    `visibility` (`_visibility_for`: the replied-to post's or the author's default when none).

    A direct post (a message) is for the people mentioned and `recipients` (a conversation's
    other members), and, when it answers one, for everyone that one was for; they must take
    messages from the author (`_readers_check`).

    Mentions and hashtags are stored with it; the replied-to author and the mentioned people
    are notified if they may read it (a message is announced by the Messages count instead);
    post_created is sent. The same `client_token` twice gives back the first post. Each call
    counts against the "post" rate limit.
    """
    _check_can_write(author)
    if client_token is not None:
        existing = Post.objects.filter(author=author, client_token=client_token).first()
        if existing is not None:
            return existing
    try:
        text = post_text_clean(text, media=bool(media))
    except ValidationError as error:
        raise ValidationError({"text": error}) from None
    drafts = _drafts_take(author, media)
    if in_reply_to is not None:
        in_reply_to = _readable_original(in_reply_to, author)
        block_check(actor=author, other=in_reply_to.author, action="reply to")
    visibility = _visibility_for(author, visibility, in_reply_to)

    mentioned = _mentioned_users(post_text.extract_mentions(text))
    readers = mentioned
    if visibility == Visibility.FOLLOWERS and in_reply_to is not None:
        # The answered author reads the answer even when they do not follow its author and
        # the "@name" the box starts with was deleted, as in Mastodon.
        readers = list({user.pk: user for user in [*mentioned, in_reply_to.author]}.values())
    if visibility == Visibility.DIRECT:
        readers = _direct_readers(author, mentioned, recipients, in_reply_to)
        _readers_check(author, readers)
    post = Post(
        author=author,
        text=text,
        visibility=visibility,
        in_reply_to=in_reply_to,
        client_token=client_token,
        mentioned_usernames=[user.username for user in mentioned],
        has_media=bool(drafts),
    )
    # The text has passed the rule above and the people are loaded, so only the fields are
    # checked here: Django would spend a query on each foreign key and each check constraint,
    # which the database enforces again on insert anyway.
    post.full_clean(exclude=["client_token", "author", "in_reply_to"], validate_constraints=False)
    try:
        with transaction.atomic():
            post.save()
            if in_reply_to is not None and post.is_open:
                # The stored count is what everyone is shown: replies open to all only.
                count_add(in_reply_to.pk, "reply_count", 1)
            # After the replied-to post: every writer locks a post before its author's stats.
            author_stats_add(post=post)
            for draft in drafts:
                draft.post = post
            Attachment.objects.bulk_update(drafts, ["post", "position", "description"])
    except IntegrityError:
        # The same form sent twice at the same moment: the other request made the post.
        existing = Post.objects.filter(author=author, client_token=client_token).first()
        if client_token is None or existing is None:
            raise
        return existing

    if readers:
        post.mentions.add(*readers)
    # A message's tags are not stored: tag pages list public posts only, and the admin's list of
    # tags would show words of messages to staff.
    tags = post_text.extract_hashtags(text) if visibility != Visibility.DIRECT else []
    if tags:
        Hashtag.objects.bulk_create([Hashtag(name=tag) for tag in tags], ignore_conflicts=True)
        post.hashtags.add(*Hashtag.objects.filter(name__in=tags))

    # The replied-to author hears of a reply, the people mentioned of a mention: once each.
    kinds = {user: Notification.Kind.MENTION for user in mentioned}
    if in_reply_to is not None:
        kinds[in_reply_to.author] = Notification.Kind.REPLY
    if visibility != Visibility.DIRECT:
        notifications_create(actor=author, post=post, kinds=kinds)
    post_created.send(sender=Post, post=post)
    return post


def _direct_readers(author, mentioned: list, recipients: Sequence, in_reply_to) -> list:
    """Who a direct post is for: the people mentioned, `recipients`, and, for an answer, the
    answered post's author and readers; never its own author. In a stable order."""
    readers = {user.pk: user for user in [*mentioned, *recipients]}
    if in_reply_to is not None:
        readers.setdefault(in_reply_to.author_id, in_reply_to.author)
        if in_reply_to.visibility == Visibility.DIRECT:
            for user in in_reply_to.mentions.all():
                readers.setdefault(user.pk, user)
    readers.pop(author.pk, None)
    # Those named in the text are people who may be shown (`_mentioned_users`); a
    # conversation's members stay readers while suspended, so it stays one conversation.
    return list(readers.values())


def _drafts_take(author, media: Sequence[tuple[int, str]]) -> list[Attachment]:
    """The author's drafts named in `media`, locked, in order, with their positions and
    descriptions set: up to MAX_IMAGES pictures or one sound clip alone. ValidationError (on
    "media") for any other mix, or a draft gone (taken by another post, or deleted)."""
    if not media:
        return []
    ids = [attachment_id for attachment_id, _ in media]
    found = Attachment.objects.select_for_update(of=("self",)).filter(
        owner=author, post__isnull=True, pk__in=ids
    )
    by_id = {draft.pk: draft for draft in found}
    if len(by_id) != len(set(ids)) or len(ids) != len(set(ids)):
        raise ValidationError(
            {"media": "An upload is no longer available. Add the file again."}, code="gone"
        )
    drafts = []
    for position, (attachment_id, description) in enumerate(media):
        try:
            description_check(description)
        except ValidationError as error:
            raise ValidationError({"media": error}) from None
        draft = by_id[attachment_id]
        draft.position, draft.description = position, description
        drafts.append(draft)
    kinds = [draft.kind for draft in drafts]
    if Attachment.Kind.AUDIO in kinds and len(kinds) > 1:
        raise ValidationError(
            {"media": "A post holds one sound clip, or up to 4 pictures, not both."},
            code="mix",
        )
    if len(kinds) > media_files.MAX_IMAGES:
        raise ValidationError({"media": "A post holds up to 4 pictures."}, code="too_many")
    return drafts


@counted("media", per_person("owner"))
def attachment_create(*, owner, upload, description: str = "") -> Attachment:
    """An uploaded file prepared (posts.media: decoded, checked, re-encoded), stored, and kept
    as a draft of `owner`'s until a post takes it. ValidationError with a message for the person
    when the file is refused; nothing is stored then. Counts against the "media" rate limit."""
    _check_can_write(owner)
    description_check(description)
    prepared = media_files.prepare(upload)
    drafts_clean(owner=owner)
    full, preview = media_files.files_save(prepared)
    try:
        return Attachment.objects.create(
            owner=owner,
            kind=prepared.kind,
            file=full,
            preview=preview,
            content_type=prepared.content_type,
            size=len(prepared.full),
            description=description,
            width=prepared.width,
            height=prepared.height,
            preview_width=prepared.preview_width,
            preview_height=prepared.preview_height,
            blurhash=prepared.blurhash,
            colour=prepared.colour,
            animated=prepared.animated,
            duration=prepared.duration,
            peaks=prepared.peaks,
        )
    except BaseException:
        media_files.files_delete(full, preview)
        raise


def description_check(description: str) -> None:
    """A picture's or sound's description: at most 1,500 characters, no control characters
    (the database could not store some of them); ValidationError otherwise."""
    if len(description) > media_files.DESCRIPTION_MAX_LENGTH:
        raise ValidationError("Descriptions can be at most 1,500 characters.", code="description")
    if post_text.has_forbidden_characters(description):
        raise ValidationError(
            "Remove the invisible control characters from the description.", code="control"
        )


def attachment_describe(*, owner, attachment_id: int, description: str) -> Attachment:
    """Change the description of `owner`'s draft `attachment_id` (an app describes a file after
    uploading it); Attachment.DoesNotExist when they have no such draft (a posted file keeps
    the description its post took)."""
    description_check(description)
    draft = Attachment.objects.get(owner=owner, post__isnull=True, pk=attachment_id)
    draft.description = description
    draft.save(update_fields=["description"])
    return draft


def drafts_clean(*, owner, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete `owner`'s drafts that no post took within `older_than` (and their files, once
    committed); each upload does it for its owner. Returns how many."""
    stale = Attachment.objects.filter(
        owner=owner, post__isnull=True, created_at__lt=timezone.now() - older_than
    )
    return attachments_delete(list(stale))


def attachments_delete(attachments) -> int:
    """Delete attachment rows, and their files once the deletion is committed."""
    names = [name for row in attachments for name in row.files()]
    deleted, _ = Attachment.objects.filter(pk__in=[row.pk for row in attachments]).delete()
    files_delete_on_commit(names)
    return deleted


def attachment_files(**filters) -> list[str]:
    """The storage names of the attachments matching `filters` (e.g. owner=, post=)."""
    rows = Attachment.objects.filter(**filters).values_list("file", "preview")
    return [name for pair in rows for name in pair if name]


def files_delete_on_commit(names: list[str]) -> None:
    if names:
        transaction.on_commit(lambda: media_files.files_delete(*names))


PINS_MAX = 3


@transaction.atomic
def post_pin(*, user, post: Post, pinned: bool = True) -> None:
    """Pin `post` to the top of its author's profile (or unpin it): only its author may, only
    their own posts (not reposts), at most PINS_MAX at once. Pinning again changes nothing."""
    if post.author_id != user.pk:
        raise PermissionDenied("Only the author can pin a post.")
    if post.repost_of_id:
        raise ValidationError("Reposts can't be pinned: pin your own posts.", code="repost")
    if post.visibility == Visibility.DIRECT:
        raise ValidationError("Messages can't be pinned.", code="direct")
    # The author's row is the lock: two pins at once cannot both pass the count below.
    User.objects.select_for_update().filter(pk=user.pk).first()
    post.refresh_from_db(fields=["pinned_at"])
    if not pinned:
        Post.objects.filter(pk=post.pk).update(pinned_at=None)
        return
    if post.pinned_at is not None:
        return
    if Post.objects.filter(author=user, pinned_at__isnull=False).count() >= PINS_MAX:
        raise ValidationError(
            "You can pin up to %(max)d posts. Unpin one first.",
            code="too_many",
            params={"max": PINS_MAX},
        )
    Post.objects.filter(pk=post.pk).update(pinned_at=timezone.now())


def _mentioned_users(names: list[str]) -> list:
    """Active accounts among the lower-cased `names`, in the order they were mentioned."""
    if not names:
        return []
    found = {user.username.lower(): user for user in User.objects.visible().named(*names)}
    return [found[name] for name in names if name in found]


@transaction.atomic
def post_delete(*, post: Post, user, media_kept: bool = False) -> None:
    """Delete `post` for good; only its author may (moderators remove posts in the admin).

    With `media_kept`, its pictures or sound become its author's drafts again, for a post
    written anew with them ("delete and redraft" in apps), gone with the other drafts a day
    later (`drafts_clean`); otherwise they go with it."""
    if post.author_id != user.pk:
        raise PermissionDenied("Only the author can delete a post.")
    replied_to_lock(post)
    if media_kept:
        # created_at restarts the day a draft is kept.
        Attachment.objects.filter(post=post).update(post=None, created_at=timezone.now())
    else:
        files_delete_on_commit(attachment_files(post=post))
    if not post.repost_of_id:
        # Held until the end, so that nobody reposts it between reading who reposted it and
        # the deletion taking their reposts with it (a repost writes the post's count first).
        Post.objects.filter(pk=post.pk).locked()
    reposters = reposters_of(pk=post.pk)
    post.delete()
    replied_to_recount(post)  # not a -1: the reply may have been removed, hence not counted
    if post.repost_of_id:
        count_add(post.repost_of_id, "repost_count", -1)
    # Last: every writer locks the posts it counts on before their authors' stats.
    author_stats_refresh(author_ids=[post.author_id, *reposters])


def _mark_original(*, user, post: Post, model, fields, count_field: str, kind: str):
    """What liking and reposting share: `user` marks the original of `post` (the post itself
    unless it is a repost; it must be visible) once, with a `model` row of `fields(original)`.
    The first time, the original's `count_field` goes up and its author is notified (`kind`).
    Returns (row, created)."""
    _check_can_write(user)
    original = _readable_original(post, user)
    if model is Post and not original.is_open:
        raise ValidationError(
            "Only public and unlisted posts can be reposted.", code="not_reposted"
        )
    row, created = get_or_create(model, **fields(original))
    if created:
        count_add(original.pk, count_field, 1)
        notification_create(recipient=original.author, actor=user, kind=kind, post=original)
    return row, created


def _unmark_original(*, user, post: Post, rows, count_field: str, kind: str) -> bool:
    """What unliking and undoing a repost share: `rows(original_id)` go, the original's
    `count_field` goes down if one did, and the unread notification it caused is withdrawn.
    Returns whether a row went."""
    target_id = post.repost_of_id or post.pk
    marks = rows(target_id)
    _, deleted = marks.delete()
    gone = bool(deleted.get(marks.model._meta.label))
    if gone:
        count_add(target_id, count_field, -1)
    _notification_withdraw(actor=user, kind=kind, post_id=target_id)
    return gone


@counted("like", per_person("user"))
@transaction.atomic
def like_create(*, user, post: Post) -> Like:
    """`user` likes `post` (the original, when given a repost) once; its author is notified."""
    like, _ = _mark_original(
        user=user,
        post=post,
        model=Like,
        fields=lambda original: {"user": user, "post": original},
        count_field="like_count",
        kind=Notification.Kind.LIKE,
    )
    return like


@counted("like", per_person("user"))
@transaction.atomic
def like_delete(*, user, post: Post) -> None:
    """Take back a like, and the unread notification it caused."""
    _unmark_original(
        user=user,
        post=post,
        rows=lambda original_id: Like.objects.filter(user=user, post_id=original_id),
        count_field="like_count",
        kind=Notification.Kind.LIKE,
    )


@counted("like", per_person("user"))
@transaction.atomic
def repost_create(*, user, post: Post) -> Post:
    """`user` reposts `post` (the original, when given a repost) once: a Post with repost_of.

    Sends post_created, so the repost reaches followers' timelines; the author is notified.
    """
    repost, created = _mark_original(
        user=user,
        post=post,
        model=Post,
        fields=lambda original: {"author": user, "repost_of": original},
        count_field="repost_count",
        kind=Notification.Kind.REPOST,
    )
    if created:
        author_stats_add(post=repost)
        post_created.send(sender=Post, post=repost)
    return repost


@counted("like", per_person("user"))
@transaction.atomic
def repost_delete(*, user, post: Post) -> None:
    """Undo a repost: its Post goes (and with it its place in timelines)."""
    gone = _unmark_original(
        user=user,
        post=post,
        rows=lambda original_id: Post.objects.filter(author=user, repost_of_id=original_id),
        count_field="repost_count",
        kind=Notification.Kind.REPOST,
    )
    if gone:
        author_stats_refresh(author_ids=[user.pk])


def notification_create(*, recipient, actor, kind: str, post: Post | None = None):
    """Tell `recipient` that `actor` did `kind` (optionally about `post`); call it inside the
    transaction of the action. Nobody is notified of their own actions: returns None then.
    Nor of what someone they block (or who blocks them) does: returns None then too.
    """
    created = notifications_create(actor=actor, post=post, kinds={recipient: kind})
    return created[0] if created else None


def notifications_create(*, actor, post: Post | None, kinds: dict) -> list[Notification]:
    """notification_create for several people at once ({recipient: kind}), in two queries
    whatever their number: a post can mention dozens of people in 140 characters."""
    recipients = [user.pk for user in kinds if user.pk != actor.pk]
    if not recipients:
        return []
    blocks = Block.objects.filter(
        Q(blocker=actor, blocked__in=recipients) | Q(blocked=actor, blocker__in=recipients)
    )
    walled_off = {pk for pair in blocks.values_list("blocker_id", "blocked_id") for pk in pair}
    return Notification.objects.bulk_create(
        Notification(recipient=user, actor=actor, kind=kind, post=post)
        for user, kind in kinds.items()
        if user.pk in recipients and user.pk not in walled_off
    )


def _notification_withdraw(*, actor, kind: str, post_id: int) -> None:
    Notification.objects.filter(
        actor=actor, kind=kind, post_id=post_id, read_at__isnull=True
    ).delete()


def notification_withdraw(*, recipient, actor, kind: str, unread: bool = True) -> None:
    """Remove the unread notification `actor` caused (e.g. an unfollow withdraws "followed
    you"), or, with unread False, read or not (a follow request once answered)."""
    found = Notification.objects.filter(
        recipient=recipient, actor=actor, kind=kind, post__isnull=True
    )
    if unread:
        found = found.filter(read_at__isnull=True)
    found.delete()


def notifications_mark_read(*, user, up_to_id: int | None = None) -> int:
    """Mark `user`'s unread notifications read (those up to `up_to_id` when given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if up_to_id is not None:
        unread = unread.filter(id__lte=up_to_id)
    return unread.update(read_at=timezone.now())


def notification_dismiss(*, user, notification_id: int) -> None:
    """Delete `user`'s notification `notification_id`; Notification.DoesNotExist when they have
    none with that id (someone else's is not theirs to dismiss)."""
    deleted, _ = Notification.objects.filter(recipient=user, pk=notification_id).delete()
    if not deleted:
        raise Notification.DoesNotExist


def notifications_clear(*, user) -> int:
    """Delete all of `user`'s notifications; how many there were."""
    deleted, _ = Notification.objects.filter(recipient=user).delete()
    return deleted
