"""Search: posts by their words, people by what their profiles say, hashtags by their start.

Posts are found in two steps, as the home timeline reads its stored entries: the full-text index
gives the ids of the newest matching posts (`search.index`), and those posts are read with their
card data through `Post.objects.findable_by(viewer)`, the rule of what search may show. When the
viewer may not see enough of a batch, the next batch below it is read, up to MAX_BATCHES; then
the page ends early and "Load more" goes on below the last id looked at.
"""

from django.db.models import Exists, OuterRef, Q

from accounts.models import Credit, User, hidden_from
from core.paging import PAGE_SIZE, Page
from core.query import format_id_pair
from follows.selectors.people import activity_page, last_post_id, people_for_cards
from posts.models import Hashtag, Post
from search import index
from search.query import SearchQuery

# Ids asked of the index after the first batch of a page (which asks a page and SPARE more).
BATCH = 200
SPARE = 10
MAX_BATCHES = 4
# Best match ranks the newest this many matches: ranking every post with a common word would
# read them all.
BEST_WINDOW = 1000


def _findable(ids: list[int], viewer) -> list[Post]:
    if not ids:
        return []
    posts = Post.objects.findable_by(viewer).with_card_data(viewer).filter(id__in=ids)
    return list(posts.order_by("-id"))


def _scope(query: SearchQuery) -> tuple[list[int] | None, list[int]] | None:
    """The ids of the people named by from: and of the hashtags asked for; None when one
    of them names nothing here (nothing can match)."""
    author_ids = tag_ids = None
    if query.authors:
        author_ids = list(User.objects.visible().named(*query.authors).values_list("pk", flat=True))
        if not author_ids:
            return None
    if query.tags:
        tag_ids = list(Hashtag.objects.filter(name__in=query.tags).values_list("pk", flat=True))
        if len(tag_ids) < len(query.tags):
            return None
    return author_ids, tag_ids or []


def matching_posts(
    *,
    viewer,
    query: SearchQuery,
    best: bool = False,
    before: int | None = None,
    best_before: tuple[int, int] | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """The posts matching `query` that `viewer` may find, newest first below post id `before`,
    or with `best` by how well they match (among the newest BEST_WINDOW matches) below the
    cursor `best_before` (score, id). Words and phrases are matched by their stems, accents
    aside."""
    scope = None if query.is_empty else _scope(query)
    if scope is None:
        return Page([])
    author_ids, tag_ids = scope
    if best and query.has_text:
        return _best_page(viewer, query, author_ids, tag_ids, best_before, limit)
    found, cursor, fetch = [], before, limit + 1 + SPARE
    for _ in range(MAX_BATCHES):
        ids = index.candidate_ids(
            query, author_ids=author_ids, tag_ids=tag_ids, before=cursor, limit=fetch
        )
        found += _findable(ids, viewer)
        if len(found) > limit:
            return Page(found[:limit], found[limit - 1].pk)
        if len(ids) < fetch:  # the index has no more
            return Page(found)
        cursor, fetch = ids[-1], BATCH
    return Page(found, cursor)


def _best_page(viewer, query, author_ids, tag_ids, best_before, limit) -> Page:
    ranked = index.ranked_candidates(
        query, author_ids=author_ids, tag_ids=tag_ids, window=BEST_WINDOW
    )
    if best_before is not None:
        ranked = [(pk, score) for pk, score in ranked if (score, pk) < best_before]
    found, start, fetch = [], 0, limit + 1 + SPARE
    scores = dict(ranked)
    while start < len(ranked) and len(found) <= limit:
        chunk = [pk for pk, _ in ranked[start : start + fetch]]
        posts = {post.pk: post for post in _findable(chunk, viewer)}
        found += [posts[pk] for pk in chunk if pk in posts]
        start, fetch = start + fetch, BATCH
    if len(found) > limit:
        last = found[limit - 1]
        return Page(found[:limit], format_id_pair(scores[last.pk], last.pk))
    return Page(found)


def matching_people(
    *,
    viewer,
    query: SearchQuery,
    before: tuple[int, int] | None = None,
    limit: int = PAGE_SIZE,
    followed_only: bool = False,
) -> Page:
    """People who let themselves be found (`User.objects.discoverable()`) whose name,
    username, bio, location, industry, roles or credits hold every word and phrase of `query`
    (letter case aside; its other parts, from:, #tags and words left out, are for posts), less
    those who block `viewer` or whom they block (with `followed_only`, only people `viewer`
    follows); most recently active first, as the directory, by the cursor (activity, id).
    One query."""
    terms = [*query.words, *query.phrases]
    if not terms:
        return Page([])
    people = people_for_cards(User.objects.discoverable(), viewer).exclude(
        hidden_from(viewer, "pk", mutes=False)
    )
    if followed_only:
        people = people.filter(viewer_follows=True)
    roles = User.roles.through.objects
    for term in terms:
        term = term.lstrip("@")
        credited = Credit.objects.filter(user=OuterRef("pk"), title__icontains=term)
        has_role = roles.filter(user=OuterRef("pk"), role__name__icontains=term)
        people = people.filter(
            Q(username__icontains=term)
            | Q(display_name__icontains=term)
            | Q(bio__icontains=term)
            | Q(location__icontains=term)
            | Q(industry__name__icontains=term)
            | Exists(has_role)
            | Exists(credited)
        )
    return activity_page(people.annotate(activity=last_post_id()), before=before, limit=limit)


def hashtags_starting(*, prefix: str, after: str | None = None, limit: int = PAGE_SIZE) -> Page:
    """Hashtags starting with `prefix` (a hashtag key) that some listed post carries (a tag
    used only in followers-only posts is nobody else's business), in alphabetical order after
    `after`. One query."""
    if not prefix:
        return Page([])
    tags = Hashtag.objects.filter(name__startswith=prefix).filter(
        Exists(Post.objects.listed().filter(hashtags=OuterRef("pk")))
    )
    if after:
        tags = tags.filter(name__gt=after)
    items = list(tags.order_by("name")[: limit + 1])
    if len(items) > limit:
        return Page(items[:limit], items[limit - 1].name)
    return Page(items)
