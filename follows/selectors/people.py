"""People: the directory, industries, follower and following lists, person cards."""

from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from accounts.models import (
    Block,
    Credit,
    Industry,
    Mute,
    Role,
    User,
    discoverable_people,
    follows_of,
    requests_of,
    viewer_has,
    visible_people,
)
from core.paging import PAGE_SIZE, Page, keyset_page
from core.query import format_id_pair
from follows.models import Follow, FollowRequest


def last_post_id():
    """A person's activity: the id of their newest post on their profile (0 if none; messages
    and removed posts do not count), stored beside them (`AuthorStats.last_post_id`). Post ids
    grow with time, so it orders by recency."""
    return Coalesce(F("post_stats__last_post_id"), Value(0), output_field=BigIntegerField())


def people_for_cards(people: QuerySet, viewer) -> QuerySet:
    """What a person card shows: industry, and whether the viewer follows them."""
    return people.select_related("industry").with_viewer_follows(viewer)


def people_directory(
    *,
    viewer=None,
    industry: Industry | None = None,
    role: Role | None = None,
    location: str = "",
    open_to_collaborate: bool = False,
    q: str = "",
    before: tuple[int, int] | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Discoverable people matching every given filter, most recently active first (newest post,
    then newest account). Location and the search (name, username, bio, the titles of their
    credits) are case-insensitive substring matches. Keyset-paginated by (activity, id), the
    cursor "<activity>.<id>". One query.

    The activity is stored beside each person (`last_post_id()`): the order reads the matching
    people and their stored activity, not their posts.
    """
    people = people_for_cards(User.objects.discoverable(), viewer)
    people = people.annotate(activity=last_post_id())
    if industry is not None:
        people = people.filter(industry=industry)
    if role is not None:
        people = people.filter(roles=role)
    if location.strip():
        people = people.filter(location__icontains=location.strip())
    if open_to_collaborate:
        people = people.filter(open_to_collaborate=True)
    if q.strip():
        term = q.strip().lstrip("@")
        credited = Credit.objects.filter(user=OuterRef("pk"), title__icontains=term)
        people = people.filter(
            Q(username__icontains=term)
            | Q(display_name__icontains=term)
            | Q(bio__icontains=term)
            | Exists(credited)
        )
    return activity_page(people, before=before, limit=limit)


def activity_page(people: QuerySet, *, before: tuple[int, int] | None, limit: int) -> Page:
    """A page of `people` (annotated with `activity`, `last_post_id()`), most recently active
    first, below the cursor (activity, id), "<activity>.<id>" in URLs. One query."""
    if before is not None:
        activity, person_id = before
        people = people.filter(Q(activity__lt=activity) | Q(activity=activity, id__lt=person_id))
    items = list(people.order_by("-activity", "-id")[: limit + 1])
    if len(items) > limit:
        last = items[limit - 1]
        return Page(items[:limit], format_id_pair(last.activity, last.id))
    return Page(items)


def _with_member_count(industries: QuerySet) -> QuerySet:
    # Counts the people the industry page and the directory list (the discoverable ones), so
    # the number beside an industry agrees with the people its page shows.
    return industries.annotate(people=Count("members", filter=discoverable_people("members__")))


def industries_with_counts() -> list[Industry]:
    """Every industry with `people`, its number of discoverable members. One query."""
    return list(_with_member_count(Industry.objects.order_by("name")))


def industry_with_count(slug: str) -> Industry | None:
    return _with_member_count(Industry.objects.filter(slug=slug)).first()


def industry_people(*, industry: Industry, viewer=None, limit: int = 12) -> list[User]:
    """The most recently active discoverable people in `industry`, for the industry page."""
    people = people_for_cards(User.objects.discoverable().filter(industry=industry), viewer)
    return list(people.annotate(activity=last_post_id()).order_by("-activity", "-id")[:limit])


def person_by_username(username: str) -> User | None:
    """A visible person by username (any letter case), with their follow counts."""
    return User.objects.visible().named(username).with_follow_counts().first()


def follow_counts(*, people: list[User]) -> dict[int, tuple[int, int]]:
    """{person id: (followers, following)}, as `UserQuerySet.with_follow_counts` counts them.
    One query."""
    rows = (
        User.objects.filter(pk__in=[person.pk for person in people])
        .with_follow_counts()
        .values_list("pk", "followers_count", "following_count")
    )
    return {pk: (followers, following) for pk, followers, following in rows}


def follows_of_followers(*, person: User) -> QuerySet[Follow]:
    """The follows of `person` by people who may be shown, in no order: what the followers
    list shows (a page reads them by the follow's id)."""
    return Follow.objects.filter(visible_people("follower__"), followee=person)


def follows_of_followees(*, person: User) -> QuerySet[Follow]:
    """The follows `person` made of people who may be shown, in no order: what the following
    list shows."""
    return Follow.objects.filter(visible_people("followee__"), follower=person)


def followers_page(
    *, person: User, viewer=None, before: int | None = None, limit: int = PAGE_SIZE
) -> Page:
    """The visible people who follow `person`, newest follow first; items are people, and the
    cursor is the follow's id."""
    follows = follows_of_followers(person=person)
    return _follow_page(follows, "follower", viewer=viewer, before=before, limit=limit)


def following_page(
    *, person: User, viewer=None, before: int | None = None, limit: int = PAGE_SIZE
) -> Page:
    """The visible people `person` follows, newest follow first; items are people, and the
    cursor is the follow's id."""
    follows = follows_of_followees(person=person)
    return _follow_page(follows, "followee", viewer=viewer, before=before, limit=limit)


def _follow_page(follows: QuerySet, side: str, *, viewer, before, limit) -> Page:
    follows = follows.select_related(side, f"{side}__industry").annotate(
        viewer_follows=follows_of(viewer, f"{side}_id"),
        viewer_requested=requests_of(viewer, f"{side}_id"),
    )
    page = keyset_page(follows, before=before, limit=limit)
    people = []
    for row in page.items:
        person = getattr(row, side)
        person.viewer_follows = row.viewer_follows
        person.viewer_requested = row.viewer_requested
        people.append(person)
    page.items = people
    return page


def follow_requests_waiting(*, user: User) -> QuerySet[FollowRequest]:
    """The requests to follow `user` by people who may be shown, in no order: what the follow
    requests page lists and counts."""
    return FollowRequest.objects.filter(visible_people("follower__"), followee=user)


def follow_requests_page(*, user: User, before: int | None = None, limit: int = PAGE_SIZE) -> Page:
    """The people waiting for `user` to accept them as followers, newest request first; items
    are the requests with their people (one query)."""
    requests = follow_requests_waiting(user=user)
    return keyset_page(
        requests.select_related("follower", "follower__industry"), before=before, limit=limit
    )


def relationships(*, viewer: User, ids, with_suspended: bool = False) -> list[User]:
    """The people among `ids` who have a profile (suspended ones only `with_suspended`), in
    the order of `ids`, each with how `viewer` and they stand: `viewer_follows`,
    `viewer_requested` (waiting for them to accept), `follows_viewer`, `requested_viewer`,
    `viewer_blocks`, `blocks_viewer`, `viewer_mutes`. One query whatever the number of
    ids."""
    ids = list(dict.fromkeys(ids))
    people = User.objects.with_profile().filter(pk__in=ids)
    if not with_suspended:
        people = people.filter(suspended_at__isnull=True)
    people = people.annotate(
        viewer_follows=follows_of(viewer),
        viewer_requested=requests_of(viewer),
        follows_viewer=viewer_has(viewer, Follow, "followee_id", "follower"),
        requested_viewer=viewer_has(viewer, FollowRequest, "followee_id", "follower"),
        viewer_blocks=viewer_has(viewer, Block, "blocker_id", "blocked"),
        blocks_viewer=viewer_has(viewer, Block, "blocked_id", "blocker"),
        viewer_mutes=viewer_has(viewer, Mute, "muter_id", "muted"),
    ).only("id")
    found = {person.pk: person for person in people}
    return [found[pk] for pk in ids if pk in found]


def familiar_followers(*, viewer: User, ids, per_person: int = 20) -> dict[int, list[int]]:
    """{person id: ids of the people `viewer` follows who follow them}, newest follow first,
    at most `per_person` each; people who may not be shown are left out. One query."""
    followees = Follow.objects.filter(follower=viewer).values("followee_id")
    rows = (
        Follow.objects.filter(visible_people("follower__"), followee_id__in=list(ids))
        .filter(follower_id__in=followees)
        .order_by("-id")
        .values_list("followee_id", "follower_id")
    )
    found: dict[int, list[int]] = {pk: [] for pk in ids}
    for followee_id, follower_id in rows:
        if len(found[followee_id]) < per_person:
            found[followee_id].append(follower_id)
    return found
