"""Keyset pages: every list on the site continues "below the last item shown", never by OFFSET,
so page 500 costs what page 1 costs and a post arriving meanwhile shifts nothing."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

# Items on a page of any list: posts, people, notifications.
PAGE_SIZE = 20


@dataclass
class Page:
    """One page of a list: its items and the cursor of the next page (None on the last one)."""

    items: list[Any]
    next_before: Any = None
    # Home timelines: the newest stored entry looked at, shown or not (a muted person's post, a
    # removed one). The poll for newer posts starts after it, so a hidden post is not "new".
    head: int | None = None


def keyset_page(
    queryset: QuerySet,
    *,
    before: int | None,
    limit: int,
    key: str = "id",
    after: int | None = None,
    oldest_first: bool = False,
) -> Page:
    """The first `limit` rows of `queryset` whose `key` is below `before` (and above `after`),
    newest (largest key) first. One query: a row more than asked tells whether another page
    follows.

    With `oldest_first`, the `limit` rows just above `after` instead (still given newest
    first, no next page): reading forward from a cursor without skipping any, as the client
    API's min_id does."""
    if before is not None:
        queryset = queryset.filter(**{f"{key}__lt": before})
    if after is not None:
        queryset = queryset.filter(**{f"{key}__gt": after})
    if oldest_first:
        return Page(list(queryset.order_by(key)[:limit])[::-1])
    rows = list(queryset.order_by(f"-{key}")[: limit + 1])
    if len(rows) > limit:
        return Page(rows[:limit], getattr(rows[limit - 1], key))
    return Page(rows)


def ids_page(ids: list[int], *, limit: int) -> Page:
    """A page of ids read newest first as `keyset_page` reads them, one more than `limit`."""
    if len(ids) > limit:
        return Page(ids[:limit], ids[limit - 1])
    return Page(ids)


def page_url(request, path: str, **params) -> str:
    """`path` with the current query string, some parameters replaced (None removes one): the
    next page keeps the filters the person chose."""
    query = request.GET.copy()
    for name, value in params.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return f"{path}?{query.urlencode()}" if query else path


def next_page_url(request, path: str, page: Page) -> str:
    """The link to the page after `page` ("" when it is the last), for "Load more"."""
    if page.next_before is None:
        return ""
    return page_url(request, path, before=page.next_before)
