"""Reads for accounts: the profile page and the data export.

accounts imports neither posts nor follows (they depend on accounts); it reaches their rows
through the reverse relations they declare on User: `posts`, `following` and `followers`.
"""

from functools import partial

from django.db.models import Exists, Expression, F, OuterRef, QuerySet, TextField, Value
from django.db.models.functions import Coalesce

from accounts.models import Block, Industry, Mute, Role, User, viewer_has
from core.paging import PAGE_SIZE, Page, ids_page
from core.statements import and_viewer, in_tens, run_rows, statement


def _posts_count() -> Coalesce:
    """How many posts a person's profile counts: stored beside them by posts (its AuthorStats,
    reached through the reverse relation `post_stats`); none without a row."""
    return Coalesce(F("post_stats__posts_count"), Value(0))


def _last_post_at() -> F:
    """When a person last posted (not counting removed posts or messages), stored with the
    count."""
    return F("post_stats__last_post_at")


def people_counted() -> QuerySet[User]:
    """People with their profile's counts (followers, following, posts), when they last
    posted and their roles (read them with `role_names`): what the client API says of an
    account wherever it appears. Suspended people are included, as on their profile page."""
    return (
        User.objects.with_profile()
        .with_follow_counts()
        .select_related("industry")
        .annotate(posts_count=_posts_count(), last_post_at=_last_post_at(), role_names=RoleNames())
    )


# Between the names of `role_names`: the unit separator, a control character no role's name
# (written by staff in the admin) has reason to hold.
ROLE_NAMES_SEPARATOR = "\x1f"


class RoleNames(Expression):
    """A person's roles' names, in no order, joined by ROLE_NAMES_SEPARATOR (None without any),
    beside each person of the query: where loading the roles as objects cost a second query and
    a model instance each. Written as SQL, as `FollowCount` is: built as a Subquery of
    querysets, it cost more to build than to run, on every page of accounts. SQLite before
    3.44 cannot order an aggregate: `role_names` sorts them."""

    output_field = TextField()

    def as_sql(self, compiler, connection):
        through = User.roles.through._meta
        role = Role._meta
        quote = connection.ops.quote_name
        person = compiler.quote_name(compiler.query.get_initial_alias())
        person += "." + quote(User._meta.pk.column)
        name = f"{quote(role.db_table)}.{quote(role.get_field('name').column)}"
        joined = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
        sql = (
            f"(SELECT {joined}({name}, %s) FROM {quote(through.db_table)} "  # noqa: S608 (names)
            f"JOIN {quote(role.db_table)} ON {quote(role.db_table)}.{quote(role.pk.column)} = "
            f"{quote(through.db_table)}.{quote(through.get_field('role').column)} "
            f"WHERE {quote(through.db_table)}.{quote(through.get_field('user').column)} = {person})"
        )
        return sql, (ROLE_NAMES_SEPARATOR,)


def role_names(person: User) -> list[str]:
    """The names of the roles of `person` (from people_counted), sorted."""
    return sorted(person.role_names.split(ROLE_NAMES_SEPARATOR)) if person.role_names else []


def _has(related: str, **filters) -> Exists:
    """Whether a person has any rows of `related` (e.g. "credits"), as an EXISTS beside them, so
    that a profile without any spends no query on them."""
    reverse = User._meta.get_field(related)
    rows = reverse.related_model._default_manager.filter(
        **{reverse.field.name: OuterRef("pk")}, **filters
    )
    return Exists(rows)


def profile_people(*, viewer=None) -> QuerySet[User]:
    """People whose profile pages can be shown, with the counts the header needs.

    Suspended people are included (their page says so); deactivated people and accounts waiting
    for approval are not.
    """
    return (
        User.objects.with_profile()
        .with_follow_counts()
        .with_viewer_follows(viewer)
        .select_related("industry")
        .annotate(
            posts_count=_posts_count(),
            has_pins=_has("posts", pinned_at__isnull=False),
            has_credits=_has("credits"),
            has_roles=Exists(User.roles.through.objects.filter(user=OuterRef("pk"))),
            blocked_by_viewer=viewer_has(viewer, Block, "blocker", "blocked"),
            muted_by_viewer=viewer_has(viewer, Mute, "muter", "muted"),
        )
    )


def profile_person(*, username: str, viewer=None) -> User | None:
    """The person of `username` (any letter case) as `profile_people` gives them, or None.

    The profile page's first read, built and compiled once a process (`core.statements`): its
    counts, flags and joins took the ORM 4 ms to build, compile and make into a person, against
    1 ms for the database to answer."""
    signed_in, values = and_viewer(viewer, [username.lower()])
    build = partial(_profile_person_query, signed_in=signed_in)
    prepared = statement(f"profile_person {signed_in=}", build, values)
    rows = run_rows(prepared)
    return _person_made(rows[0], prepared) if rows else None


_PERSON_FIELDS = [field.attname for field in User._meta.concrete_fields]
_INDUSTRY_FIELDS = [field.attname for field in Industry._meta.concrete_fields]


def _profile_person_query(*values, signed_in: bool) -> QuerySet:
    viewer, username = (User(pk=values[0]), values[1]) if signed_in else (None, values[0])
    return _person_values(profile_people(viewer=viewer).named_in_lower_case(username))


def people_counted_by_id(ids) -> dict[int, User]:
    """The people with these ids as `people_counted` gives them, by id, as the client API reads
    the accounts of a page of statuses: one statement for each hundred ids, compiled once a
    process for each ten (`core.statements`)."""
    ids = sorted({pk for pk in ids if pk is not None})
    found = {}
    for start in range(0, len(ids), 100):  # a bound on the statements a process keeps
        values = in_tens(ids[start : start + 100])
        prepared = statement("people_counted_by_id", _people_counted_query, values)
        for row in run_rows(prepared):
            person = _person_made(row, prepared)
            found[person.pk] = person
    return found


def _people_counted_query(*ids) -> QuerySet:
    return _person_values(people_counted().filter(pk__in=ids))


def _person_values(people: QuerySet) -> QuerySet:
    """`people` (with their industry and annotations) as the rows `_person_made` reads."""
    flags = [name for name in people.query.annotations if name != "username_lower"]
    industry = [f"industry__{name}" for name in _INDUSTRY_FIELDS]
    return people.values_list(*_PERSON_FIELDS, *industry, *flags)


def _person_made(row: list, prepared) -> User:
    """A person from a `_person_values` row, as the queryset would have made them: the model's
    fields, the industry, and each annotation as an attribute."""
    count = len(_PERSON_FIELDS)
    person = User.from_db(prepared.using, _PERSON_FIELDS, row[:count])
    industry = row[count : count + len(_INDUSTRY_FIELDS)]
    if person.industry_id is not None:
        person.industry = Industry.from_db(prepared.using, _INDUSTRY_FIELDS, industry)
    start = count + len(_INDUSTRY_FIELDS)
    for name, value in zip(prepared.names[start:], row[start:], strict=True):
        setattr(person, name, value)
    return person


def _profile_posts(person: User, viewer) -> QuerySet:
    """The posts of `person` that `viewer` may see on their profile, in no order (people see
    their own removed posts, marked; staff see all). Messages are in conversations, not on
    profiles."""
    return person.posts.visible_to(viewer).without_messages()


def profile_post_rows(*, person: User, viewer=None) -> QuerySet:
    """A profile's posts (`_profile_posts`) with their card data, in no order: the client API's
    account statuses read them."""
    return _profile_posts(person, viewer).with_card_data(viewer)


def profile_posts(
    *, person: User, viewer=None, before: int | None = None, limit: int = PAGE_SIZE
) -> Page:
    """One page of a profile's posts with their cards (as rows), newest first. The page's ids
    are read by a statement compiled once a process (`core.statements`)."""
    paged = before is not None
    signed_in, values = and_viewer(viewer, [person.pk, *([before] if paged else [])])
    staff = signed_in and viewer.is_staff
    build = partial(_profile_post_ids, signed_in=signed_in, staff=staff, paged=paged, limit=limit)
    name = f"profile_post_ids {signed_in=} {staff=} {paged=} {limit=}"
    ids = [pk for (pk,) in run_rows(statement(name, build, values))]
    return _posts_of(person).cards_of(ids_page(ids, limit=limit), viewer, rows=True)


def _profile_post_ids(*values, signed_in: bool, staff: bool, paged: bool, limit: int):
    viewer = User(pk=values[0], is_staff=staff) if signed_in else None
    person_id, *before = values[1:] if signed_in else values
    posts = _profile_posts(User(pk=person_id), viewer)
    if paged:
        posts = posts.filter(id__lt=before[0])
    return posts.order_by("-id").values_list("id")[: limit + 1]


def _posts_of(person: User) -> QuerySet:
    # Posts belong to a later app, reached through their relation to people.
    return person.posts.model._default_manager.all()


def profile_pinned(*, person: User, viewer=None) -> list:
    """The posts `person` pinned to the top of their profile that `viewer` may see, newest pin
    first (posts.services.post_pin keeps them few)."""
    posts = person.posts.visible_to(viewer).with_card_data(viewer)
    return list(posts.filter(pinned_at__isnull=False).order_by("-pinned_at"))


def blocks_and_mutes(*, user: User) -> tuple[list[Block], list[Mute]]:
    """The people `user` blocks and mutes (newest first, with their profiles): two queries."""
    blocks = list(
        Block.objects.filter(blocker=user)
        .select_related("blocked", "blocked__industry")
        .order_by("-id")
    )
    mutes = list(
        Mute.objects.filter(muter=user).select_related("muted", "muted__industry").order_by("-id")
    )
    return blocks, mutes


def blocks_by(*, user: User) -> QuerySet[Block]:
    """The blocks `user` made, in no order (a page reads them by id)."""
    return Block.objects.filter(blocker=user)


def mutes_by(*, user: User) -> QuerySet[Mute]:
    """The mutes `user` made, in no order (a page reads them by id)."""
    return Mute.objects.filter(muter=user)


def user_export(*, user: User) -> dict:
    """Everything a person may take away: their profile (roles and credits too), posts, who
    they follow and the media on their posts."""
    posts = user.posts.order_by("id").values(
        "id", "text", "visibility", "created_at", "in_reply_to_id", "repost_of_id", "removed_at"
    )
    return {
        "profile": {
            "username": user.username,
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "industry": user.industry.name if user.industry_id else "",
            "location": user.location,
            "website": user.website,
            "open_to_collaborate": user.open_to_collaborate,
            "date_joined": user.date_joined.isoformat(),
            "roles": list(user.roles.order_by("name").values_list("name", flat=True)),
        },
        "credits": list(user.credits.values("role", "title", "year")),
        "posts": [
            {
                "id": post["id"],
                "text": post["text"],
                "visibility": post["visibility"],
                "created_at": post["created_at"].isoformat(),
                "in_reply_to": post["in_reply_to_id"],
                "repost_of": post["repost_of_id"],
                "removed_by_moderator": post["removed_at"] is not None,
            }
            for post in posts
        ],
        "following": list(
            user.following.order_by("followee__username").values_list(
                "followee__username", flat=True
            )
        ),
        # Pictures and sound clips on posts; the zip export holds the files themselves.
        "media": [
            {
                "post": row["post_id"],
                "position": row["position"],
                "kind": row["kind"],
                "description": row["description"],
                "file": export_media_name(row["post_id"], row["position"], row["file"]),
            }
            for row in user.attachments.filter(post__isnull=False)
            .order_by("post_id", "position")
            .values("post_id", "position", "kind", "description", "file")
        ],
    }


def export_media_name(post_id: int, position: int, stored: str) -> str:
    """Where a media file lies inside the zip export: media/<post>-<position>.<extension>."""
    extension = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
    return f"media/{post_id}-{position}.{extension}"
