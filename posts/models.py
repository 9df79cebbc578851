from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import (
    Count,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import LessThanOrEqual

from accounts.models import OPEN_VISIBILITY, User, Visibility, hidden_from, visible_people
from core.paging import Page, keyset_page


def _count_of(queryset, field):
    """A correlated COUNT(*) of `queryset` rows whose `field` is the outer post."""
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("*"))
            .values("n")[:1]
        ),
        Value(0),
    )


# The columns a post card shows, for a post and for the post it reposts: 49 of the 142 columns
# of the posts and people joined, so the card query is quicker to build and to load.
_CARD_POST_FIELDS = (
    "author_id",
    "text",
    "visibility",
    "created_at",
    "in_reply_to_id",
    "repost_of_id",
    "removed_at",
    "mentioned_usernames",
    "has_media",
    "pinned_at",
    "like_count",
    "repost_count",
    "reply_count",
    "author__username",
    "author__display_name",
    "author__avatar",
    "author__avatar_thumbnail",
    "author__industry__name",
    "in_reply_to__author__username",
    "in_reply_to__visibility",
    "in_reply_to__author_id",
)


def _and_reposted(fields) -> tuple[str, ...]:
    """`fields` of a post, and the same of the post it reposts."""
    return (*fields, *(f"repost_of__{field}" for field in fields))


CARD_FIELDS = _and_reposted(_CARD_POST_FIELDS)
# What the client API's Status entity reads of a post and of the post it reposts: the card's
# columns less its people's (the API loads the people apart, with their counts).
STATUS_FIELDS = _and_reposted(
    [f for f in _CARD_POST_FIELDS if not f.startswith(("author__", "in_reply_to__author__"))]
)


def _visible() -> Q:
    return Q(removed_at__isnull=True) & visible_people("author__")


def audience(viewer, prefix: str = "") -> Q:
    """THE rule of who may read a post, by its visibility: public and unlisted posts everyone;
    followers-only posts their author, the author's followers and the people mentioned; posts
    for mentioned people only (direct messages) their author and the people mentioned.

    A Q on the post at `prefix` (e.g. "post__" for a notification's post), with two subqueries
    in the same statement: the viewer's followees and the posts naming them, each read by an
    index; only posts that are not open to all need them. The subqueries are written out, as
    `accounts.models.hidden_from`'s are: built on every page, composing them from querysets cost
    more than running them (bench/README.md). Removal, suspension and blocks are the other parts
    of a read (`PostQuerySet`)."""
    open_to_all = Q(**{f"{prefix}visibility__in": OPEN_VISIBILITY})
    if viewer is None or not viewer.is_authenticated:
        return open_to_all
    followees, named_in = _followees_and_mentions(viewer)
    return (
        open_to_all
        | Q(**{f"{prefix}author_id": viewer.pk})
        | Q(**{f"{prefix}visibility": Visibility.FOLLOWERS, f"{prefix}author_id__in": followees})
        | Q(**{f"{prefix}id__in": named_in})
    )


def _followees_and_mentions(viewer) -> tuple[RawSQL, RawSQL]:
    """Subqueries: the ids of the people `viewer` follows, and of the posts naming `viewer`."""
    # Follows belong to a later app; the table is reached through its relation to people.
    follows = User._meta.get_field("followers").related_model._meta.db_table
    mentions = Post.mentions.through._meta.db_table
    followees = RawSQL(f"SELECT followee_id FROM {follows} WHERE follower_id = %s", [viewer.pk])  # noqa: S608, S611 (table names; the value is a parameter)
    named_in = RawSQL(f"SELECT post_id FROM {mentions} WHERE user_id = %s", [viewer.pk])  # noqa: S608, S611
    return followees, named_in


class PostQuerySet(models.QuerySet):
    # Set by with_card_data: the posts' attachments are loaded with them (`_fetch_all`).
    _card_media = False

    def _clone(self):
        clone = super()._clone()
        clone._card_media = self._card_media
        return clone

    def _fetch_all(self):
        loading = self._result_cache is None
        super()._fetch_all()
        if loading and self._card_media:
            media_load(self._result_cache)

    def visible(self):
        """Posts anyone may see: open to all (public or unlisted), not removed by a moderator,
        by someone who may be shown (not suspended, deactivated or waiting for approval:
        `accounts.models.visible_people`). What counts and lists shown to everyone use.
        """
        return self.filter(_visible(), visibility__in=OPEN_VISIBILITY)

    def readable_by(self, viewer):
        """visible(), widened by `audience`: also the followers-only and direct posts `viewer`
        is among the readers of. Every list a person reads (home, threads, notifications, the
        new-posts count) and every action on a post (reply, like, repost, report) use it."""
        return self.filter(_visible(), audience(viewer))

    def listed(self):
        """Public posts anyone may see: the public, tag and industry timelines (and search).
        Unlisted posts are readable by all but listed only on their author's profile and in
        their followers' home timelines; a repost of one is not listed either."""
        return self.filter(_visible(), visibility=Visibility.PUBLIC).filter(
            Q(repost_of__isnull=True) | Q(repost_of__visibility=Visibility.PUBLIC)
        )

    def findable_by(self, viewer):
        """What search finds for `viewer`: readable_by(), narrowed to what the timelines show
        them. The public timeline's posts (public ones), their home timeline's (their own posts
        and those of the people they follow, unlisted and followers-only too), and posts naming
        them, as their notifications do. Not messages nor reposts, nor posts by people they
        block, are blocked by or mute. Unlisted posts stay out of strangers' searches, as they
        stay out of the public timeline."""
        posts = self.readable_by(viewer).filter(repost_of__isnull=True)
        if viewer is None or not viewer.is_authenticated:
            return posts.filter(visibility=Visibility.PUBLIC)
        followees, named_in = _followees_and_mentions(viewer)
        theirs = Q(author_id=viewer.pk) | Q(author_id__in=followees) | Q(id__in=named_in)
        home = Q(visibility__in=(Visibility.UNLISTED, Visibility.FOLLOWERS)) & theirs
        return posts.filter(Q(visibility=Visibility.PUBLIC) | home).without_hidden_people(viewer)

    def without_messages(self):
        """Less direct posts: messages live in their conversations, not in timelines, on
        profiles or in profile counts.

        Written as "one of the other three" rather than "not direct": PostgreSQL plans a
        prepared statement once for any values (PG_PREPARED), and guessed that "<> $1" leaves
        almost no rows, so it sorted all of a prolific author's posts for a page of 20
        (180 ms) instead of walking their newest by the index (1 ms)."""
        return self.filter(
            visibility__in=(Visibility.PUBLIC, Visibility.UNLISTED, Visibility.FOLLOWERS)
        )

    def profile_counted(self):
        """The posts a profile counts as its person's: not removed by a moderator, not messages
        (reposts and replies count). `AuthorStats` stores this count for each author."""
        return self.filter(removed_at__isnull=True).without_messages()

    def visible_to(self, viewer):
        """readable_by(), plus what this viewer may see beyond it: their own posts removed by a
        moderator (shown marked as removed), and for staff every post but others' messages,
        so nothing they moderate is hidden from them; a message once reported (its page and
        pictures, as its report shows its conversation). For pages about one post or one
        person."""
        if viewer is None or not viewer.is_authenticated:
            return self.visible()
        if viewer.is_staff:
            # Reports belong to a later app; reached through their relation to posts.
            reports = Post._meta.get_field("reports").related_model
            reported = Exists(reports.objects.filter(post=OuterRef("pk")))
            return self.filter(~Q(visibility=Visibility.DIRECT) | audience(viewer) | Q(reported))
        return self.filter((_visible() & audience(viewer)) | Q(author=viewer))

    def _with_media(self):
        clone = self._chain()
        clone._card_media = True
        return clone

    def counts_refresh(self) -> int:
        """Recount the likes, reposts and visible replies of these posts from their rows.

        The services keep the stored counts by adding and subtracting one as people act; this is
        for what bypasses them (an account deleted with everything it liked, data migrations).

        The posts are locked first (`locked`). A like being written holds its post's row (its
        +1), so the recount waits for it and counts after it committed; a like that comes after
        the lock waits to add its +1 to the recount. Counting in the UPDATE alone would count
        from before a concurrent like and overwrite its +1. Exactly the posts locked are
        recounted.
        """
        with transaction.atomic(using=self.db, savepoint=False):
            return self.locked().update(
                like_count=_count_of(Like.objects.all(), "post"),
                repost_count=_count_of(Post.objects.filter(repost_of__isnull=False), "repost_of"),
                reply_count=_count_of(Post.objects.visible(), "in_reply_to"),
            )

    def locked(self):
        """These posts, locked until the transaction ends (FOR NO KEY UPDATE), taken in id order:
        the order every writer that locks several posts uses, so none can deadlock another.
        Returns exactly the posts locked. SQLite has one writer at a time: nothing to lock."""
        if not connections[self.db].features.has_select_for_update:
            return self
        rows = self.order_by("pk").select_for_update(no_key=True, of=("self",))
        return Post.objects.filter(pk__in=list(rows.values_list("pk", flat=True)))

    def without_hidden_people(self, viewer, *, mutes: bool = True):
        """Less what `viewer` chose not to see (chain it after visible()): posts by people they
        block or who block them, by people they mute (with `mutes`), and reposts of such people's
        posts. Subqueries in the same statement: no extra query per page."""
        return self.exclude(hidden_from(viewer, "author_id", mutes=mutes)).exclude(
            hidden_from(viewer, "repost_of__author_id", mutes=mutes)
        )

    def with_card_data(self, viewer=None, *, media: bool = True):
        """Everything a post card shows, in one query whatever the page length, and one more for
        the attachments when a card shows any (not with `media` False).

        The viewer's flags are about the post the card shows: the original for a repost, the post
        itself otherwise (`ViewerMarked`). The counts are stored on the posts (see `counts_refresh`)
        and mentions' usernames too, so neither costs a lookup per card.
        """
        queryset = (
            (self._with_media() if media else self)
            .select_related(
                "author",
                "author__industry",
                "in_reply_to__author",
                "repost_of",
                "repost_of__author",
                "repost_of__author__industry",
                "repost_of__in_reply_to__author",
            )
            .only(*CARD_FIELDS)
        )
        return queryset._with_viewer_flags(viewer)

    def card_page(self, viewer=None, *, rows: bool = False, **page) -> Page:
        """A page of these posts (`core.paging.keyset_page`'s arguments) with their cards' data,
        in two queries: the page's ids, then their cards by id, as posts (with_card_data) or,
        with `rows`, as `posts.cards.CardRow`s for pages that only show cards.

        In one query, PostgreSQL plans the card's ten joins again for each value of a filter (a
        person's posts, a tag's), which took longer than running it (5-7 ms); by ids, the
        prepared statement keeps its plan."""
        ids = keyset_page(self.only("id"), **page)
        return self.cards_of(
            Page([post.pk for post in ids.items], ids.next_before), viewer, rows=rows
        )

    def cards_of(self, ids: Page, viewer=None, *, rows: bool = False) -> Page:
        """The page of cards of a page of post ids (read with the rules of their page), in its
        order: `card_page`'s second query, for a page whose ids come from elsewhere."""
        wanted = ids.items
        if rows:
            from posts.cards import card_rows  # the cards module renders; it imports this one

            found = card_rows(wanted, viewer, readable=False)
        elif wanted:
            found = self.model._default_manager.filter(pk__in=wanted).with_card_data(viewer)
            found = found.order_by()
        else:
            found = []
        cards = {post.pk: post for post in found}
        return Page([cards[pk] for pk in wanted if pk in cards], ids.next_before)

    def with_status_data(self, viewer=None):
        """What the client API's Status entity needs of the posts: with_card_data() without the
        people (their columns, joins and model instances: a quarter of the time of the home
        timeline's request), which the API loads apart with their counts."""
        queryset = (
            self._with_media()
            .select_related("in_reply_to", "repost_of", "repost_of__in_reply_to")
            .only(*STATUS_FIELDS)
        )
        return queryset._with_viewer_flags(viewer)

    def _with_viewer_flags(self, viewer):
        """`viewer_liked` and `viewer_reposted`, about the post a card shows (`ViewerMarked`)."""
        if viewer is not None and viewer.is_authenticated:
            return self.annotate(
                viewer_liked=ViewerMarked("like", viewer.pk),
                viewer_reposted=ViewerMarked("repost", viewer.pk),
            )
        return self.annotate(viewer_liked=Value(False), viewer_reposted=Value(False))


class ViewerMarked(Expression):
    """Whether the viewer (by id) liked ("like") or reposted ("repost") the post each row's
    card shows: the original for a repost, the post itself otherwise. An EXISTS beside each
    post, in the same statement.

    Written as SQL around the query's own alias for the posts, as accounts' FollowCount is:
    built from querysets on every page of cards, the two cost more to build than to run."""

    output_field = models.BooleanField()

    def __init__(self, mark: str, viewer_id: int):
        super().__init__()
        self.mark, self.viewer_id = mark, viewer_id

    def as_sql(self, compiler, connection):
        quote = connection.ops.quote_name

        def column(model, field: str) -> str:
            return quote(model._meta.get_field(field).column)

        post = compiler.quote_name(compiler.query.get_initial_alias())
        repost_of, author = column(Post, "repost_of"), column(Post, "author")
        shown = f"COALESCE({post}.{repost_of}, {post}.{column(Post, 'id')})"
        if self.mark == "like":
            likes = quote(Like._meta.db_table)
            sql = (
                f"EXISTS (SELECT 1 FROM {likes} WHERE {likes}.{column(Like, 'post')} = {shown} "  # noqa: S608 (names)
                f"AND {likes}.{column(Like, 'user')} = %s)"
            )
        else:
            # "is not null" lets PostgreSQL read only the viewer's reposts (the partial index
            # of one_repost_per_person), not all their posts.
            sql = (
                f"EXISTS (SELECT 1 FROM {quote(Post._meta.db_table)} marked "  # noqa: S608 (names)
                f"WHERE marked.{repost_of} = {shown} AND marked.{repost_of} IS NOT NULL "
                f"AND marked.{author} = %s)"
            )
        return sql, (self.viewer_id,)


def media_load(posts) -> None:
    """The attachments of the cards' shown posts (a repost's original) that have any, in one
    query, or none when no post on the page has media."""
    shown = {}
    for post in posts:
        if isinstance(post, Post):
            original = post.repost_of if post.repost_of_id else post
            if original is not None and original.has_media:
                shown.setdefault(original.pk, original)
    if shown:
        prefetch_related_objects(list(shown.values()), "attachments")


class Hashtag(models.Model):
    """A tag as written after '#', stored case-folded so #Mixing and #mixing are one tag."""

    # Case-folding can lengthen a tag (ß -> ss, ﬃ -> ffi): up to three times a 140-character
    # post's longest tag.
    name = models.CharField(max_length=420, unique=True)

    def __str__(self):
        return f"#{self.name}"


class Post(models.Model):
    """A post, a reply (in_reply_to set) or a repost (repost_of set, no text of its own).

    Reposts are posts, as in Mastodon, so a timeline is one ordered list of post ids.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    text = models.TextField(blank=True)
    # Whether it has attachments (pictures or a sound clip): a post may be media with no text.
    has_media = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    repost_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reposts"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    # Who may read it (posts.models.audience). For a direct post the readers are `mentions`,
    # which then also holds people not named in the text (a message's recipients).
    visibility = models.CharField(
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_default=Visibility.PUBLIC,
    )
    # Pinned by its author to the top of their profile (at most PINS_MAX; newest pin first).
    pinned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The accounts mentioned, as they were spelled when the post was written: the renderer links
    # exactly these, so showing a page of posts needs no lookup of who exists.
    mentioned_usernames = models.JSONField(default=list, blank=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in"
    )
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="posts")
    # A fresh token in every compose form: sending the same form twice (a double click, a
    # resubmitted page) finds the post made the first time instead of making a second one.
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    # Kept by the services as people act (one UPDATE each), so a card reads its counts instead of
    # counting thousands of likes on every page view. Only visible() replies count: not those
    # removed by moderators, nor those of suspended or deactivated people.
    like_count = models.PositiveIntegerField(default=0, editable=False)
    repost_count = models.PositiveIntegerField(default=0, editable=False)
    reply_count = models.PositiveIntegerField(default=0, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            # Carrying removed_at and visibility, a person's post count (`people_counted`,
            # once per author of an API page) reads the index alone, not a heap page per post.
            models.Index(
                fields=["author", "-id"],
                include=["removed_at", "visibility"],
                name="posts_author_id_desc",
            ),
            models.Index(
                fields=["author", "-pinned_at"],
                condition=Q(pinned_at__isnull=False),
                name="posts_author_pinned",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(repost_of__isnull=False) | ~Q(text="") | Q(has_media=True),
                name="posts_post_text_media_or_repost",
            ),
            models.CheckConstraint(
                condition=Q(repost_of__isnull=True) | (Q(text="") & Q(in_reply_to__isnull=True)),
                name="posts_post_repost_has_no_text",
            ),
            # posts.text.MAX_STORED_LENGTH; the 140-character rule itself is checked by the service.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), 2000),
                name="posts_post_text_stored_length",
            ),
            models.UniqueConstraint(
                fields=["author", "repost_of"],
                condition=Q(repost_of__isnull=False),
                name="posts_post_one_repost_per_person",
            ),
            # Only posts open to all can be reposted; a repost itself is public.
            models.CheckConstraint(
                condition=Q(repost_of__isnull=True) | Q(visibility=Visibility.PUBLIC),
                name="posts_post_repost_public",
            ),
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=Q(client_token__isnull=False),
                name="posts_post_client_token_once",
            ),
        ]

    def __str__(self):
        return f"{self.author.username}: {self.text[:40]}"

    @property
    def is_open(self) -> bool:
        """Readable by everyone (public or unlisted): only such posts can be reposted."""
        return self.visibility in OPEN_VISIBILITY

    @property
    def shown(self):
        """The post a card shows: the original of a repost, else this post."""
        return self.repost_of if self.repost_of_id else self


class Attachment(models.Model):
    """A picture or a sound clip, stored as re-encoded files (posts.media), never as sent.

    Uploaded first, as a draft of its owner's (no post yet), the way Mastodon's clients upload
    media before the post: a form sent back with an error keeps the files already accepted, and
    the post takes them by id. Drafts left over are deleted after a day. Files are named by 128
    random bits and served only through posts.views.attachment, which checks that the viewer may
    see the post (a draft: only its owner)."""

    class Kind(models.TextChoices):
        IMAGE = "image"
        AUDIO = "audio"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attachments"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=5, choices=Kind.choices)
    # Storage names: the full size, and a preview for images.
    file = models.CharField(max_length=200)
    preview = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField()
    description = models.TextField(blank=True)
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    preview_width = models.PositiveIntegerField(null=True)
    preview_height = models.PositiveIntegerField(null=True)
    blurhash = models.CharField(max_length=64, blank=True)
    # The picture's average colour, "#rrggbb": the placeholder while it loads.
    colour = models.CharField(max_length=7, blank=True)
    animated = models.BooleanField(default=False)
    duration = models.FloatField(null=True)
    # The sound's loudness in even slices, 0-100, for its waveform.
    peaks = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post_id", "position", "id"]
        indexes = [
            models.Index(
                fields=["owner", "created_at"],
                condition=Q(post__isnull=True),
                name="posts_attachment_drafts",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "position"],
                condition=Q(post__isnull=False),
                name="posts_attachment_position",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), 1500),
                name="posts_attachment_description_length",
            ),
        ]

    def __str__(self):
        if self.post_id is None:
            return f"{self.kind} draft of user {self.owner_id}"
        return f"{self.kind} {self.position} of post {self.post_id}"

    def files(self) -> list[str]:
        return [name for name in (self.file, self.preview) if name]


class AuthorStats(models.Model):
    """What a person's profile and their Account in the client API say of their posts: how many
    `Post.objects.profile_counted()` holds, and when the newest of them was written (and its id).

    Stored, as the posts' like and reply counts are, because counting them per author on every
    page of authors walked each author's index entries (748 an author on the benchmark's home
    timeline, 119,486 for its most prolific). Kept by the services: a new post adds one
    (`author_stats_add`), anything else that changes the count recounts (`author_stats_refresh`).
    Nobody saves a model instance of it, so no stale copy in memory can overwrite it."""

    author = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="post_stats",
    )
    posts_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True, blank=True)
    # The newest counted post's id: how recently the person was active, for the lists of people
    # ordered by it (the directory, an industry's people, search, suggestions). Stored, as
    # finding each person's newest post was an index probe per matching person (1,666 for one
    # industry of the benchmark's 10,000 people).
    last_post_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self):
        return f"{self.posts_count} posts of user {self.author_id}"


class Like(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="posts_like_once_per_person"),
        ]

    def __str__(self):
        return f"{self.user_id} likes {self.post_id}"


class NotificationQuerySet(models.QuerySet):
    def visible(self):
        """Notifications whose actor can still be seen and whose post was not removed."""
        return self.filter(
            Q(post__isnull=True) | Q(post__removed_at__isnull=True), visible_people("actor__")
        )

    def readable_by(self, viewer):
        """Less notifications about posts `viewer` may no longer read (`audience`: a
        followers-only post after they stopped following)."""
        return self.filter(Q(post__isnull=True) | audience(viewer, "post__"))

    def without_hidden_people(self, viewer):
        """Less notifications caused by people `viewer` blocks or is blocked by."""
        return self.exclude(hidden_from(viewer, "actor_id", mutes=False))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        MENTION = "mention", "mentioned you"
        FOLLOW_REQUEST = "request", "asked to follow you"
        REPLY = "reply", "replied to your post"
        LIKE = "like", "liked your post"
        REPOST = "repost", "reposted your post"
        FOLLOW = "follow", "followed you"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="posts_notif_recipient_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(recipient=F("actor")), name="posts_notification_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.actor_id} {self.kind} -> {self.recipient_id}"
