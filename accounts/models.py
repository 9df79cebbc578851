import colorsys
import functools
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, IntegerField, OuterRef, Q, Value
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Lower
from django.utils import timezone

# The same alphabet as @mentions, so every username can be mentioned.
USERNAME_PATTERN = r"[A-Za-z0-9_]{1,30}"


class Industry(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "industries"

    def __str__(self):
        return self.name


class Visibility(models.TextChoices):
    """Who may read a post, widest first (Mastodon's four levels and its names for them).

    The rule that applies them is `posts.models.audience`; people choose their default here
    because the setting belongs to the person."""

    PUBLIC = "public", "Public"
    UNLISTED = "unlisted", "Unlisted"
    FOLLOWERS = "private", "Followers only"
    DIRECT = "direct", "Mentioned people only"

    @classmethod
    def width(cls, value: str) -> int:
        """How many people a level reaches, as an order: public 3 ... direct 0."""
        return {cls.PUBLIC: 3, cls.UNLISTED: 2, cls.FOLLOWERS: 1, cls.DIRECT: 0}[value]


# Levels everyone may read (the difference between them is where a post is listed).
OPEN_VISIBILITY = (Visibility.PUBLIC, Visibility.UNLISTED)


class MessagesFrom(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FOLLOWING = "following", "People you follow"
    NOBODY = "nobody", "Nobody"


class Role(models.Model):
    """What someone does (dialogue editor, foley artist, composer...): a list the admin keeps,
    from which each person picks up to ROLES_MAX for their profile and the directory's filter."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


ROLES_MAX = 5

# What a person edits on their profile (accounts.forms.ProfileForm, services.profile_update);
# the avatar has its own handling.
PROFILE_FIELDS = (
    "display_name",
    "bio",
    "industry",
    "roles",
    "location",
    "website",
    "open_to_collaborate",
)


def _has_account(prefix: str = "") -> Q:
    """An account that exists for others: not deactivated, not waiting for approval."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}awaiting_approval": False})


def visible_people(prefix: str = "") -> Q:
    """The rule for people who may be shown anywhere (in lists, counts, timelines, search) and
    may act: not deactivated, not suspended, not waiting for approval. `prefix` applies it
    through a relation, e.g. visible_people("author__") for the authors of posts.
    `User.objects.visible()` is this rule for people, `User.is_visible` for one person."""
    return _has_account(prefix) & Q(**{f"{prefix}suspended_at__isnull": True})


def discoverable_people(prefix: str = "") -> Q:
    """The rule for people who may be offered to strangers (the directory, industry pages, who
    to follow, people search): visible, and not opted out of discovery (`User.discoverable`).
    Their profile, posts and follow lists are not affected. `User.objects.discoverable()` is
    this rule for people; `prefix` applies it through a relation, as `visible_people`."""
    return visible_people(prefix) & Q(**{f"{prefix}discoverable": True})


class FollowCount(Expression):
    """How many follows of `relation` ("followers" or "following", the reverse relations the
    follows app declares on User) each person of the query has with people who may be shown.

    Counted as all of them less those with hidden people: hidden people are few (an index of
    their own), so both counts are index range reads, where checking each follow's other person
    would visit every one of a popular person's followers. Written as SQL around the compiled
    rule (`visible_people`): built from querysets, the two counts cost more to build than to
    run, on every profile."""

    output_field = IntegerField()

    def __init__(self, relation: str, other_side: str):
        super().__init__()
        self.relation, self.other_side = relation, other_side

    def as_sql(self, compiler, connection):
        reverse = User._meta.get_field(self.relation)
        follow = reverse.related_model._meta
        quote = connection.ops.quote_name
        table, own = quote(follow.db_table), quote(reverse.field.column)
        other = quote(follow.get_field(self.other_side).column)
        # The person is the row of the query this counts for, under whatever alias it has there.
        person = compiler.quote_name(compiler.query.get_initial_alias())
        person += "." + quote(User._meta.pk.column)
        hidden, params = _hidden_people_sql(connection.alias)
        sql = (
            f"((SELECT COUNT(*) FROM {table} WHERE {own} = {person}) - "  # noqa: S608 (names)
            f"(SELECT COUNT(*) FROM {table} WHERE {own} = {person} AND {other} IN ({hidden})))"
        )
        return sql, params


@functools.cache
def _hidden_people_sql(alias: str) -> tuple[str, tuple]:
    """SELECT of the ids of people who may not be shown, compiled from `visible_people` once per
    database: it is the same for every query."""
    query = User.objects.exclude(visible_people()).values("pk").query
    return query.get_compiler(using=alias).as_sql()


def viewer_has(viewer, model, viewer_field: str, person_field: str, person_ref: str = "pk"):
    """Whether `viewer` has a `model` row pointing at the person `person_ref` names (a follow, a
    block, a mute): an Exists in the same statement, False for visitors."""
    if viewer is None or not viewer.is_authenticated:
        return Value(False)
    rows = model._default_manager.filter(
        **{viewer_field: viewer.pk, person_field: OuterRef(person_ref)}
    )
    return Exists(rows)


def follows_of(viewer, person_ref: str = "pk"):
    """Whether `viewer` follows the person `person_ref` names: the `viewer_follows` of person
    cards and of the profile's follow button. Follows belong to the follows app, reached here
    through the relation it declares on User."""
    follow = User._meta.get_field("followers").related_model
    return viewer_has(viewer, follow, "follower_id", "followee", person_ref)


def requests_of(viewer, person_ref: str = "pk"):
    """Whether `viewer` asked to follow the person `person_ref` names and waits for their
    approval: the `viewer_requested` beside `viewer_follows` (the button reads "Requested")."""
    request = User._meta.get_field("follow_requests").related_model
    return viewer_has(viewer, request, "follower_id", "followee", person_ref)


class UserQuerySet(models.QuerySet):
    def visible(self):
        """People who may be shown: see `visible_people`, the one rule for it."""
        return self.filter(visible_people())

    def discoverable(self):
        """People who may be offered to strangers: see `discoverable_people`."""
        return self.filter(discoverable_people())

    def with_profile(self):
        """People whose profile page exists: the visible ones, and suspended ones, whose page
        says they are suspended and shows nothing else."""
        return self.filter(_has_account())

    def with_viewer_follows(self, viewer):
        """`viewer_follows`: whether `viewer` follows each person; `viewer_requested`: whether
        they asked to and wait for approval."""
        return self.annotate(
            viewer_follows=follows_of(viewer), viewer_requested=requests_of(viewer)
        )

    def with_follow_counts(self):
        """`followers_count` and `following_count`, counting only people who may be shown:
        the one count of follows, shown by the profile header, the follow lists and the follow
        button's update alike."""
        return self.annotate(
            followers_count=FollowCount("followers", "follower"),
            following_count=FollowCount("following", "followee"),
        )

    def named(self, *usernames: str):
        """The people with these usernames, whatever the letter case (usernames are ASCII)."""
        return self.named_in_lower_case(*[name.lower() for name in usernames])

    def named_in_lower_case(self, *usernames: str):
        """`named()`, for usernames already put in lower case (a statement's values).

        A probe of the unique index on lower(username): `username__iexact` compares UPPER() of
        both sides, which no index serves, and reads every row."""
        return self.alias(username_lower=Lower("username")).filter(username_lower__in=usernames)

    def with_email(self, email: str):
        """The account with this email address, whatever the letter case: a probe of the
        unique index on lower(email), which leaves out accounts without an address."""
        return (
            self.exclude(email="")
            .alias(email_lower=Lower("email"))
            .filter(email_lower=Lower(Value(email)))
        )


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    username = models.CharField(
        "username",
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                rf"^{USERNAME_PATTERN}\Z",
                "Use 1-30 letters, digits or underscores.",
                code="invalid_username",
            )
        ],
        error_messages={"unique": "That username is taken."},
    )
    display_name = models.CharField(max_length=50, blank=True)
    bio = models.CharField(max_length=160, blank=True)
    industry = models.ForeignKey(
        Industry, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="people")
    location = models.CharField(max_length=50, blank=True)
    website = models.URLField(blank=True)
    # When the website was last found linking back to the profile with rel="me" (Mastodon's
    # verified link); cleared when the website changes (accounts.tasks.website_verify).
    website_verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    open_to_collaborate = models.BooleanField(default=False)
    suspended_at = models.DateTimeField(null=True, blank=True)
    # Square 400 px and 96 px renditions made by accounts.avatars; the original is never kept.
    avatar = models.ImageField(blank=True, max_length=200)
    avatar_thumbnail = models.ImageField(blank=True, max_length=200)
    # Privacy settings: the compose box's starting visibility, whether new followers wait for
    # approval (Mastodon's "locked" account), who may start a conversation, and whether the
    # person may be offered to strangers (Mastodon's "discoverable": see discoverable_people).
    default_visibility = models.CharField(
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_default=Visibility.PUBLIC,
    )
    approve_followers = models.BooleanField(default=False, db_default=False)
    messages_from = models.CharField(
        max_length=9,
        choices=MessagesFrom.choices,
        default=MessagesFrom.EVERYONE,
        db_default=MessagesFrom.EVERYONE,
    )
    discoverable = models.BooleanField(default=True, db_default=True)
    # How many of their conversations have a message they have not seen: kept by
    # conversations.services as messages arrive and are read, so the navigation's count costs
    # no query (the person is loaded with every request anyway).
    unread_conversations = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # Set at sign-up when the instance requires approval; a moderator clears it in the admin.
    awaiting_approval = models.BooleanField(default=False)
    invite = models.ForeignKey(
        "Invite", null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )

    objects = AccountManager()

    class Meta:
        # The few people who may not be shown: follow counts subtract their follows (see
        # _follow_count) after reading this index rather than every account.
        indexes = [
            models.Index(fields=["id"], condition=~visible_people(), name="accounts_user_hidden")
        ]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="accounts_user_email_ci_unique"
            ),
        ]

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def is_visible(self) -> bool:
        """`visible_people`, for one person already loaded."""
        return self.is_active and self.suspended_at is None and not self.awaiting_approval

    @property
    def initials(self) -> str:
        """One or two letters for the generated avatar, from the display name or username."""
        words = [word for word in self.name.split() if word[:1].isalnum()]
        if len(words) >= 2:
            return (words[0][0] + words[-1][0]).upper()
        if words:
            return words[0][:1].upper()
        return self.username[:1].upper()

    @property
    def avatar_colour(self) -> str:
        """A stable colour per username, dark enough for white initials to be readable."""
        digest = hashlib.sha256(self.username.lower().encode()).digest()
        hue = int.from_bytes(digest[:2]) / 65535
        red, green, blue = colorsys.hls_to_rgb(hue, 0.38, 0.55)
        return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


class RegistrationMode(models.TextChoices):
    OPEN = "open", "Open: anyone can sign up"
    APPROVAL = "approval", "Approval required: a moderator approves each new account"
    INVITE = "invite", "Invite only: people need an invite link"
    CLOSED = "closed", "Closed: nobody can sign up (invite links still work)"


class SiteSettings(models.Model):
    """The instance owner's switches, changed in the admin without a deploy. One row, pk=1."""

    registration_mode = models.CharField(
        max_length=20, choices=RegistrationMode.choices, default=RegistrationMode.OPEN
    )
    closed_message = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown on the sign-up page when sign-ups are closed or invite only.",
    )
    staff_two_factor_required = models.BooleanField(
        "Staff and moderators must use two-factor authentication",
        default=False,
        help_text="When on, staff without it are sent to set it up before anything else.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="accounts_sitesettings_one")]

    def __str__(self):
        return "Site settings"

    @classmethod
    def load(cls) -> "SiteSettings":
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row


def new_invite_code() -> str:
    return secrets.token_urlsafe(12)


class InviteQuerySet(models.QuerySet):
    def with_code(self, code: str) -> "Invite | None":
        """The invite with this code, if any. A code no invite can have (longer than the field,
        or with a control character, which PostgreSQL may refuse) is not looked up."""
        max_length = Invite._meta.get_field("code").max_length
        if len(code) > max_length or not code.isprintable():
            return None
        return self.filter(code=code).first()

    def usable(self):
        """Invites that have not expired and have uses left."""
        now = timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).filter(
            Q(max_uses__isnull=True) | Q(uses__lt=models.F("max_uses"))
        )


class Invite(models.Model):
    """An invite link, /accounts/signup/?invite=<code>, created by a moderator in the admin."""

    code = models.CharField(max_length=32, unique=True, default=new_invite_code)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invites_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    max_uses = models.PositiveIntegerField(
        null=True, blank=True, default=1, help_text="Empty: unlimited."
    )
    uses = models.PositiveIntegerField(default=0)
    note = models.CharField(
        max_length=200, blank=True, help_text="Who it is for (only staff see this)."
    )

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=models.F("max_uses")),
                name="accounts_invite_uses_within_max",
            )
        ]

    def __str__(self):
        return self.code

    @property
    def is_usable(self) -> bool:
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return False
        return self.max_uses is None or self.uses < self.max_uses


class BlockQuerySet(models.QuerySet):
    def between(self, first, second):
        """Blocks in either direction between two people."""
        return self.filter(Q(blocker=first, blocked=second) | Q(blocker=second, blocked=first))


class Block(models.Model):
    """blocker blocks blocked: no follows either way, no replies, mentions or notifications from
    blocked, and neither sees the other's posts in timelines. Enforced by every app's reads and
    writes (accounts is the lowest layer, so all of them can import it)."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="blocks",
        db_index=False,  # the unique (blocker, blocked) index starts with blocker
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BlockQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="accounts_block_unique"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="accounts_block_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Mute(models.Model):
    """muter mutes muted: muted's posts leave muter's timelines; muted notices nothing."""

    muter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mutes",
        db_index=False,  # the unique (muter, muted) index starts with muter
    )
    muted = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="accounts_mute_unique"),
            models.CheckConstraint(
                condition=~Q(muter=models.F("muted")), name="accounts_mute_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.muter_id} mutes {self.muted_id}"


def hidden_from(viewer, field: str = "pk", *, mutes: bool = True) -> Q:
    """A Q matching rows whose `field` (a user id path, e.g. "author_id") is someone `viewer`
    blocks, is blocked by, or (with `mutes`) mutes. Readers `.exclude()` it: one subquery inside
    the same SQL statement, so a page costs no extra query. Q() (matching all) for visitors
    would exclude everything, so visitors get a Q that matches nothing.

    The subquery is written out rather than composed from three querysets: it is built on every
    timeline read, and composing it cost more than running it (bench/README.md)."""
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    blocks, muted = Block._meta.db_table, Mute._meta.db_table
    sql = (
        f"SELECT blocked_id FROM {blocks} WHERE blocker_id = %s "  # noqa: S608 (table names)
        f"UNION ALL SELECT blocker_id FROM {blocks} WHERE blocked_id = %s"
    )
    params = [viewer.pk, viewer.pk]
    if mutes:
        sql += f" UNION ALL SELECT muted_id FROM {muted} WHERE muter_id = %s"  # noqa: S608
        params.append(viewer.pk)
    return Q(**{f"{field}__in": RawSQL(sql, params)})  # noqa: S611 (values are parameters)


def credit_year_max() -> int:
    return timezone.now().year + 2  # announced work


class Credit(models.Model):
    """A line of someone's portfolio: what they did on what, when ("Dialogue editor, Night Shift,
    2024"). Shown on the profile, newest first; the directory's search finds titles."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="credits")
    title = models.CharField(max_length=120)
    role = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2200), name="accounts_credit_year"
            )
        ]

    def __str__(self):
        return f"{self.role}, {self.title}, {self.year}"
