"""Home, public and industry timelines, and the home page's poll for newer posts.

The home timeline is read from the stored timeline (`TimelineEntry`, filled by
`follows.services.timeline_fan_out` and `follows.tasks.fan_out`); see `follows.models` for the
design. Page 1 and every later page inside the stored timeline is two queries whatever the
number of followees or posts:
    1. SELECT post_id FROM follows_timelineentry WHERE owner_id = :me [AND post_id < :before]
       ORDER BY post_id DESC LIMIT 30            -- backward range scan of (owner_id, post_id)
    2. the card columns of those posts, by primary key, filtered by Post.objects.readable_by():
       as rows (posts.cards.card_rows), the statement compiled once a process; a third query
       loads the posts whose cards are not kept yet, for them to be rendered
20 posts are shown; 10 spare ids are fetched so that a few removed posts or hidden authors in a
page do not shorten it. If more than 10 of 30 are hidden the page is shorter than 20; "Load more"
still continues below the last id looked at. Past the end of the stored timeline (trimmed at
TIMELINE_MAX_ENTRIES, or older than a follow's backfill) a third query continues from the posts
table: posts by my followees and me below the last id, newest first. It only runs on a later
page, never on page 1 (a timeline with fewer than 30 rows is whole).
"""

from django.db import connection
from django.db.models import Q

from accounts.models import Industry, User, hidden_from
from core.paging import PAGE_SIZE, Page, keyset_page
from follows.models import Follow, TimelineEntry
from posts.cards import card_rows
from posts.models import Post, audience

# Extra ids fetched so a few invisible posts do not shorten a page.
SPARE = 10
# The "N new posts" bar counts at most this many, and inserts at most this many at once.
NEWER_LIMIT = 100


def _posts_by_ids(ids: list[int], viewer, cards: bool = True) -> list:
    """The posts `ids` that `viewer` may read, less hidden people's, newest first: as
    `posts.cards.CardRow`s for the pages, or (not `cards`) posts for the client API."""
    if not ids:
        return []
    if cards:
        found = card_rows(ids, viewer, readable=True)
    else:
        # without_hidden_people() drops posts by people the viewer blocks, is blocked by or
        # mutes (and reposts of them): subqueries in this same query, so the page stays two
        # queries.
        posts = Post.objects.readable_by(viewer).without_hidden_people(viewer)
        found = posts.with_status_data(viewer).filter(id__in=ids).order_by()
    # Newest first, sorted here: ordering thirty rows in SQL cost more to compile than to sort.
    return sorted(found, key=lambda post: post.pk, reverse=True)


def _page_of_posts(posts: list[Post], ids: list[int], more: bool, limit: int) -> Page:
    if len(posts) > limit:
        posts = posts[:limit]
        return Page(posts, posts[-1].id)
    # Fewer than `limit` visible posts, but ids remain below the last one looked at.
    return Page(posts, ids[-1] if more and ids else None)


def followed_post_ids(
    *, user: User, before: int | None, limit: int, after: int | None = None
) -> list[int]:
    """Ids of the newest posts by the people `user` follows and by `user`, below `before` (and
    above `after`), joined at read time: past the end of the stored timeline."""
    followees = Follow.objects.filter(follower=user).values("followee_id")
    # Messages live in conversations, never in the home timeline (nor are they fanned out).
    posts = Post.objects.filter(
        Q(author_id__in=followees) | Q(author_id=user.pk)
    ).without_messages()
    if before is not None:
        posts = posts.filter(id__lt=before)
    if after is not None:
        posts = posts.filter(id__gt=after)
    return list(posts.order_by("-id").values_list("id", flat=True)[:limit])


def home_timeline(
    *,
    user: User,
    before: int | None = None,
    limit: int = PAGE_SIZE,
    after: int | None = None,
    oldest_first: bool = False,
    cards: bool = True,
) -> Page:
    """The home timeline: `user`'s own posts and those of everyone they follow (reposts too),
    visible ones only, newest first, `limit` per page below post id `before` (and above
    `after`). The posts carry what their cards show; with `cards` False, what the client
    API's Status entity reads (`Post.objects.with_status_data`).

    Read from the stored timeline (TimelineEntry), falling back to a join over posts past its end.
    With `oldest_first`, the `limit` visible posts just above `after` (given newest first; `head`
    is the newest entry looked at): an app reading forward from where it stopped, from the
    stored timeline only.
    """
    fetch = limit + SPARE
    entries = TimelineEntry.objects.filter(owner=user)
    if before is not None:
        entries = entries.filter(post_id__lt=before)
    if after is not None:
        entries = entries.filter(post_id__gt=after)
    if oldest_first:
        ids = list(entries.order_by("post_id").values_list("post_id", flat=True)[:fetch])
        posts = _posts_by_ids(ids, user, cards)[::-1][:limit]
        return Page(posts[::-1], head=ids[-1] if ids else None)
    ids = list(entries.order_by("-post_id").values_list("post_id", flat=True)[:fetch])
    more = len(ids) == fetch
    if not more and before is not None:
        floor = ids[-1] if ids else before
        ids += followed_post_ids(user=user, before=floor, after=after, limit=fetch - len(ids))
        more = len(ids) == fetch
    page = _page_of_posts(_posts_by_ids(ids, user, cards), ids, more, limit)
    page.head = ids[0] if ids else None
    return page


def home_has_newer(*, owner_id: int, after: int) -> bool:
    """Whether anything at all arrived in the home timeline of person `owner_id` after post id
    `after`, muted people's posts included: one probe of the timeline index, without the person.
    The poll's first question; only a yes needs home_newer_count.

    Every open home page asks this twice a minute, so the SQL is written out: building it with
    the ORM took as long as running it."""
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
    entries = TimelineEntry.objects.filter(
        audience(user, "post__"), owner=user, post_id__gt=after
    ).exclude(hidden_from(user, "post__author_id"))
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


def public_timeline(
    *,
    viewer=None,
    before: int | None = None,
    limit: int = PAGE_SIZE,
    after: int | None = None,
    oldest_first: bool = False,
    only_media: bool = False,
    cards: bool = True,
) -> Page:
    """Everyone's public posts on this server, newest first (`core.paging.keyset_page` reads
    `before`, `after` and `oldest_first`); with `only_media`, those with pictures or sound.
    `cards`: as home_timeline's (the pages' cards as rows, by ids: `PostQuerySet.card_page`)."""
    posts = Post.objects.listed().without_hidden_people(viewer)
    if only_media:
        posts = posts.filter(has_media=True)
    reading = {"before": before, "limit": limit, "after": after, "oldest_first": oldest_first}
    if cards:
        return posts.card_page(viewer, rows=True, **reading)
    return keyset_page(posts.with_status_data(viewer), **reading)


def industry_timeline(
    *, industry: Industry, viewer=None, before: int | None = None, limit: int = PAGE_SIZE
) -> Page:
    """Public posts by people in `industry`, newest first."""
    posts = Post.objects.listed().without_hidden_people(viewer).filter(author__industry=industry)
    return posts.card_page(viewer, rows=True, before=before, limit=limit)
