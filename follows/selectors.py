"""Reads: home timeline, public and industry timelines, the people directory, follower lists,
suggestions. Every list is keyset-paginated and costs a fixed number of queries.

Benchmark notes for issue 7 (the home timeline, `home_timeline`):
- Page 1 and every later page inside the stored timeline is exactly two queries:
    1. SELECT post_id FROM follows_timelineentry WHERE owner_id = :me [AND post_id < :before]
       ORDER BY post_id DESC LIMIT 30            -- backward range scan of (owner_id, post_id)
    2. SELECT <card columns> FROM posts_post JOIN accounts_user ... WHERE posts_post.id IN
       (<30 ids>) AND removed_at IS NULL AND author not suspended/inactive  -- 30 pk probes
  Neither depends on how many people :me follows or how many posts exist.
- 20 posts are shown; 10 spare ids are fetched so that a few removed posts or suspended authors in
  a page (filtered by Post.objects.visible() on the fetched posts, never by a join over posts) do
  not shorten it. If more than 10 of 30 are hidden the page is shorter than 20; "Load more" still
  continues below the last id looked at.
- Past the end of the stored timeline (trimmed at TIMELINE_MAX_ENTRIES, or older than a follow's
  backfill), a third query continues with design A: posts WHERE author_id IN (my followees) OR
  author_id = :me AND id < :last ORDER BY id DESC. It only runs on a later page (`before` given)
  whose stored rows ran out, never on page 1 (page 1 of a timeline with fewer than 30 rows is the
  whole timeline, since timelines hold ~800 rows before they are trimmed).
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import Industry, User, hidden_people
from follows.models import Follow, TimelineEntry
from posts.models import Post

PAGE_SIZE = 20
# Extra ids fetched so a few invisible posts do not shorten a page.
SPARE = 10
# The "N new posts" bar counts at most this many, and inserts at most this many at once.
NEWER_LIMIT = 100


@dataclass
class Page:
    """One page of a keyset-paginated list: its items and the cursor of the next page (or None)."""

    items: list[Any]
    next_before: Any = None
    # Home timelines: the newest stored entry looked at, shown or not (a muted person's post, a
    # removed one). The poll for newer posts starts after it, so a hidden post is not "new".
    head: int | None = None


def _viewer_id(viewer) -> int | None:
    return viewer.pk if viewer is not None and viewer.is_authenticated else None


# --- timelines ---------------------------------------------------------------------------------


def _posts_by_ids(ids: list[int], viewer) -> list[Post]:
    if not ids:
        return []
    # visible_to() also drops posts by people the viewer blocks, is blocked by or mutes (and
    # reposts of them): subqueries in this same query, so the page stays two queries.
    return list(
        Post.objects.visible()
        .without_hidden_people(viewer)
        .with_card_data(viewer)
        .filter(id__in=ids)
        .order_by("-id")
    )


def _page_of_posts(posts: list[Post], ids: list[int], more: bool, limit: int) -> Page:
    if len(posts) > limit:
        posts = posts[:limit]
        return Page(posts, posts[-1].id)
    # Fewer than `limit` visible posts, but ids remain below the last one looked at.
    return Page(posts, ids[-1] if more and ids else None)


def followed_post_ids(*, user: User, before: int | None, limit: int) -> list[int]:
    """Design A: ids of the newest posts by the people `user` follows and by `user`, below
    `before`. Used past the end of the stored timeline."""
    followees = Follow.objects.filter(follower=user).values("followee_id")
    posts = Post.objects.filter(Q(author_id__in=followees) | Q(author_id=user.pk))
    if before is not None:
        posts = posts.filter(id__lt=before)
    return list(posts.order_by("-id").values_list("id", flat=True)[:limit])


def home_timeline(*, user: User, before: int | None = None, limit: int = PAGE_SIZE) -> Page:
    """The home timeline: `user`'s own posts and those of everyone they follow (reposts too),
    visible ones only, newest first, `limit` per page below post id `before`.

    Read from the stored timeline (TimelineEntry), falling back to a join over posts past its end.
    """
    fetch = limit + SPARE
    entries = TimelineEntry.objects.filter(owner=user)
    if before is not None:
        entries = entries.filter(post_id__lt=before)
    ids = list(entries.order_by("-post_id").values_list("post_id", flat=True)[:fetch])
    more = len(ids) == fetch
    if not more and before is not None:
        floor = ids[-1] if ids else before
        ids += followed_post_ids(user=user, before=floor, limit=fetch - len(ids))
        more = len(ids) == fetch
    page = _page_of_posts(_posts_by_ids(ids, user), ids, more, limit)
    page.head = ids[0] if ids else None
    return page


def home_has_newer(*, owner_id: int, after: int) -> bool:
    """Whether anything at all arrived in the home timeline of person `owner_id` after post id
    `after`, muted people's posts included: one probe of the timeline index, without the person.
    The poll's first question; only a yes needs home_newer_count.

    Every open home page asks this twice a minute, so the SQL is written out: building it with
    the ORM took as long as running it (0.2 ms)."""
    with connection.cursor() as cursor:
        cursor.execute(HOME_HAS_NEWER_SQL, [owner_id, after])
        return cursor.fetchone() is not None


HOME_HAS_NEWER_SQL = (  # TimelineEntry's table, probed by its unique (owner, post) index
    "SELECT 1 FROM follows_timelineentry WHERE owner_id = %s AND post_id > %s LIMIT 1"
)


def home_newer_count(*, user: User, after: int) -> int:
    """How many posts arrived in `user`'s home timeline after post id `after` (at most
    NEWER_LIMIT): one range scan of the timeline index. It may count a post removed since (the
    posts fetched by home_newer are filtered), but not one by someone `user` mutes or blocks.

    Polled by every open home page, so it is kept lean: the ids themselves (none, nearly always)
    rather than a COUNT around a LIMITed subquery, which costs the ORM twice as much to build."""
    entries = TimelineEntry.objects.filter(owner=user, post_id__gt=after).exclude(
        hidden_people(user, "post__author_id")
    )
    return len(entries.values_list("post_id", flat=True)[:NEWER_LIMIT])


def home_newer(*, user: User, after: int) -> Page:
    """The visible posts in `user`'s home timeline newer than post id `after`, newest first, and
    the newest entry looked at (`head`)."""
    ids = list(
        TimelineEntry.objects.filter(owner=user, post_id__gt=after)
        .order_by("-post_id")
        .values_list("post_id", flat=True)[:NEWER_LIMIT]
    )
    return Page(_posts_by_ids(ids, user), head=ids[0] if ids else None)


def _keyset_posts(posts: QuerySet, *, viewer, before: int | None, limit: int) -> Page:
    if before is not None:
        posts = posts.filter(id__lt=before)
    items = list(posts.with_card_data(viewer).order_by("-id")[: limit + 1])
    if len(items) > limit:
        return Page(items[:limit], items[limit - 1].id)
    return Page(items)


def public_timeline(*, viewer=None, before: int | None = None, limit: int = PAGE_SIZE) -> Page:
    """Everyone's visible posts on this server, newest first."""
    posts = Post.objects.visible().without_hidden_people(viewer)
    return _keyset_posts(posts, viewer=viewer, before=before, limit=limit)


def industry_timeline(
    *, industry: Industry, viewer=None, before: int | None = None, limit: int = PAGE_SIZE
) -> Page:
    """Visible posts by people in `industry`, newest first."""
    posts = Post.objects.visible().without_hidden_people(viewer).filter(author__industry=industry)
    return _keyset_posts(posts, viewer=viewer, before=before, limit=limit)


# --- people ------------------------------------------------------------------------------------


def _last_post_id():
    """A person's activity: the id of their newest post (0 if none). One probe of the
    (author, -id) index per person; post ids grow with time, so it orders by recency."""
    newest = Post.objects.filter(author=OuterRef("pk")).order_by("-id").values("id")[:1]
    return Coalesce(Subquery(newest), Value(0), output_field=IntegerField())


def _viewer_follows(viewer, person_ref: str = "pk"):
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return Value(False)
    return Exists(Follow.objects.filter(follower_id=viewer_id, followee_id=OuterRef(person_ref)))


def people_for_cards(people: QuerySet, viewer) -> QuerySet:
    """What a person card shows: industry, and whether the viewer follows them."""
    return people.select_related("industry").annotate(viewer_follows=_viewer_follows(viewer))


MAX_ID = 2**63 - 1  # ids are 64-bit: a larger number in a URL would be a database error


def parse_id(value: str | None) -> int | None:
    """An id from a URL (a keyset cursor), or None when it is not one."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 <= number <= MAX_ID else None


def parse_people_cursor(value: str | None) -> tuple[int, int] | None:
    """A directory cursor is "<activity>.<person id>"; anything else means the first page."""
    parts = (value or "").split(".")
    if len(parts) != 2:
        return None
    activity, person_id = parse_id(parts[0]), parse_id(parts[1])
    if activity is None or person_id is None:
        return None
    return activity, person_id


def people_directory(
    *,
    viewer=None,
    industry: Industry | None = None,
    location: str = "",
    open_to_collaborate: bool = False,
    q: str = "",
    before: tuple[int, int] | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Active people matching every given filter, most recently active first (newest post, then
    newest account). Location and the search (name, username, bio) are case-insensitive
    substring matches. Keyset-paginated by (activity, id). One query.

    The activity order computes each matching person's newest post id with an index probe, so
    it scans the matching people, not the posts: fine for tens of thousands of people; beyond
    that a follows-owned "last active" table would keep it flat.
    """
    people = people_for_cards(User.objects.active(), viewer).annotate(activity=_last_post_id())
    if industry is not None:
        people = people.filter(industry=industry)
    if location.strip():
        people = people.filter(location__icontains=location.strip())
    if open_to_collaborate:
        people = people.filter(open_to_collaborate=True)
    if q.strip():
        term = q.strip().lstrip("@")
        people = people.filter(
            Q(username__icontains=term) | Q(display_name__icontains=term) | Q(bio__icontains=term)
        )
    if before is not None:
        activity, person_id = before
        people = people.filter(Q(activity__lt=activity) | Q(activity=activity, id__lt=person_id))
    items = list(people.order_by("-activity", "-id")[: limit + 1])
    if len(items) > limit:
        last = items[limit - 1]
        return Page(items[:limit], f"{last.activity}.{last.id}")
    return Page(items)


def industries_with_counts() -> list[Industry]:
    """Every industry with `people`, its number of active members. One query."""
    members = Q(members__is_active=True, members__suspended_at__isnull=True)
    return list(Industry.objects.annotate(people=Count("members", filter=members)).order_by("name"))


def industry_with_count(slug: str) -> Industry | None:
    members = Q(members__is_active=True, members__suspended_at__isnull=True)
    return (
        Industry.objects.annotate(people=Count("members", filter=members)).filter(slug=slug).first()
    )


def industry_people(*, industry: Industry, viewer=None, limit: int = 12) -> list[User]:
    """The most recently active people in `industry`, for the industry page."""
    people = people_for_cards(User.objects.active().filter(industry=industry), viewer)
    return list(people.annotate(activity=_last_post_id()).order_by("-activity", "-id")[:limit])


def person_by_username(username: str) -> User | None:
    """An active person by username (case-insensitive), with their follower/following counts."""
    return (
        User.objects.active()
        .named(username)
        .annotate(followers_count=_followers_count(), following_count=_following_count())
        .first()
    )


def _followers_count():
    rows = Follow.objects.filter(
        followee=OuterRef("pk"), follower__is_active=True, follower__suspended_at__isnull=True
    )
    return _count_subquery(rows, "followee")


def _following_count():
    rows = Follow.objects.filter(
        follower=OuterRef("pk"), followee__is_active=True, followee__suspended_at__isnull=True
    )
    return _count_subquery(rows, "follower")


def _count_subquery(rows: QuerySet, group: str):
    counted = rows.order_by().values(group).annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted), Value(0), output_field=IntegerField())


def follow_counts(*, people: list[User]) -> dict[int, tuple[int, int]]:
    """{person id: (followers, following)} counting active accounts only. One query."""
    rows = (
        User.objects.filter(pk__in=[person.pk for person in people])
        .annotate(followers_count=_followers_count(), following_count=_following_count())
        .values_list("pk", "followers_count", "following_count")
    )
    return {pk: (followers, following) for pk, followers, following in rows}


def followers_page(
    *, person: User, viewer=None, before: int | None = None, limit: int = PAGE_SIZE
) -> Page:
    """The active people who follow `person`, newest follow first; items are people."""
    follows = Follow.objects.filter(
        followee=person, follower__is_active=True, follower__suspended_at__isnull=True
    ).select_related("follower", "follower__industry")
    return _follow_page(follows, "follower", viewer=viewer, before=before, limit=limit)


def following_page(
    *, person: User, viewer=None, before: int | None = None, limit: int = PAGE_SIZE
) -> Page:
    """The active people `person` follows, newest follow first; items are people."""
    follows = Follow.objects.filter(
        follower=person, followee__is_active=True, followee__suspended_at__isnull=True
    ).select_related("followee", "followee__industry")
    return _follow_page(follows, "followee", viewer=viewer, before=before, limit=limit)


def _follow_page(follows: QuerySet, side: str, *, viewer, before, limit) -> Page:
    follows = follows.annotate(viewer_follows=_viewer_follows(viewer, f"{side}_id"))
    if before is not None:
        follows = follows.filter(id__lt=before)
    rows = list(follows.order_by("-id")[: limit + 1])
    people = []
    for row in rows[:limit]:
        person = getattr(row, side)
        person.viewer_follows = row.viewer_follows
        people.append(person)
    return Page(people, rows[limit - 1].id if len(rows) > limit else None)


# --- suggestions -------------------------------------------------------------------------------


@dataclass
class Suggestion:
    person: User
    reason: str


# Suggestions rank a pool of this many people by how many of the viewer's followees follow them;
# counting that for everyone on the site took seconds at 10,000 people.
SUGGESTION_POOL = 50


def suggested_people(*, user: User, limit: int = 5) -> list[Suggestion]:
    """People `user` might follow, each with the reason: first people in the same industry, then
    in the same location, then people followed by those `user` follows (most such followers
    first); then, to fill the list for a newcomer, the most recently active. Never `user`,
    people already followed, or suspended or deactivated accounts. One query.

    The final ranking looks only at a pool: the SUGGESTION_POOL candidates first by industry,
    location and recent activity, and the SUGGESTION_POOL most followed by the viewer's
    followees. Counting mutual followers for everyone took seconds at 10,000 people.
    """
    followees = Follow.objects.filter(follower=user).values("followee_id")
    candidates = (
        User.objects.active()
        .exclude(pk=user.pk)
        .exclude(pk__in=followees)
        .exclude(hidden_people(user, "pk", mutes=False))
    )
    same_industry = _flag(Q(industry_id=user.industry_id) if user.industry_id else None)
    location = user.location.strip()
    same_location = _flag(Q(location__iexact=location) if location else None)
    near = candidates.annotate(
        same_industry=same_industry, same_location=same_location, activity=_last_post_id()
    ).order_by("-same_industry", "-same_location", "-activity", "-id")
    followed_by_followees = (
        Follow.objects.filter(follower_id__in=followees)
        .exclude(followee_id__in=followees)
        .exclude(followee_id=user.pk)
        .values("followee_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-followee_id")
        .values("followee_id")
    )
    mutual_rows = Follow.objects.filter(followee=OuterRef("pk"), follower_id__in=followees)
    people = (
        candidates.filter(
            Q(pk__in=near.values("pk")[:SUGGESTION_POOL])
            | Q(pk__in=followed_by_followees[:SUGGESTION_POOL])
        )
        .select_related("industry")
        .annotate(
            same_industry=same_industry,
            same_location=same_location,
            mutuals=_count_subquery(mutual_rows, "followee"),
            activity=_last_post_id(),
        )
        .order_by("-same_industry", "-same_location", "-mutuals", "-activity", "-id")
    )
    suggestions = []
    for person in people[:limit]:
        person.viewer_follows = False
        suggestions.append(Suggestion(person, _reason(person)))
    return suggestions


def _flag(condition: Q | None):
    if condition is None:
        return Value(0, output_field=IntegerField())
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _reason(person: User) -> str:
    if person.same_industry:
        return f"Also in {person.industry.name}"
    if person.same_location:
        return f"In {person.location}"
    if person.mutuals:
        people = "person" if person.mutuals == 1 else "people"
        return f"Followed by {person.mutuals} {people} you follow"
    if person.activity:
        return "Posting recently"
    return f"New on {settings.SITE_NAME}"
