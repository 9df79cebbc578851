"""Mastodon's pages: `max_id` (older than), `since_id` (newer than, the newest first) and
`min_id` (the ones just after it, oldest first, shown newest first), `limit`; the next and
previous pages in a Link header, as every app follows it.

Cursors are read by `core.query.parse_id` (via `Params.id`), so "²" is no cursor. A "prev" link
starts after the newest item shown, never at it: an app would loop on it.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

DEFAULT_LIMIT = 20
MAX_LIMIT = 40


@dataclass(frozen=True)
class Window:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = DEFAULT_LIMIT


def window(params, *, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> Window:
    """The page a request asks for."""
    return Window(
        max_id=params.id("max_id"),
        since_id=params.id("since_id"),
        min_id=params.id("min_id"),
        limit=params.integer("limit", default=default, low=1, high=maximum),
    )


def window_rows(queryset: QuerySet, page: Window, *, key: str = "id") -> list:
    """The rows of `queryset` in `page`, largest `key` first: one query.

    With min_id, the `limit` rows just above it (read upwards, then turned round), so an app
    catching up reads forward without gaps; otherwise the newest below max_id and above
    since_id."""
    if page.min_id is not None:
        rows = queryset.filter(**{f"{key}__gt": page.min_id})
        if page.max_id is not None:
            rows = rows.filter(**{f"{key}__lt": page.max_id})
        return list(rows.order_by(key)[: page.limit])[::-1]
    if page.max_id is not None:
        queryset = queryset.filter(**{f"{key}__lt": page.max_id})
    if page.since_id is not None:
        queryset = queryset.filter(**{f"{key}__gt": page.since_id})
    return list(queryset.order_by(f"-{key}")[: page.limit])


def link_header(request, first: int | None, last: int | None) -> str:
    """The Link header of a page whose items run from cursor `first` (newest) to `last`
    (oldest): next (older, max_id=last) and prev (newer, min_id=first). Empty for an empty
    page. The other parameters (limit, types[], only_media...) are kept."""
    if first is None or last is None:
        return ""
    base = request.build_absolute_uri(request.path)
    kept = request.GET.copy()
    for name in ("max_id", "since_id", "min_id"):
        kept.pop(name, None)

    def url(name: str, value: int) -> str:
        query = kept.copy()
        query[name] = str(value)
        return f"{base}?{query.urlencode()}"

    return f'<{url("max_id", last)}>; rel="next", <{url("min_id", first)}>; rel="prev"'


def paged(response, request, first: int | None, last: int | None):
    """`response` with the Link header of its page."""
    link = link_header(request, first, last)
    if link:
        response["Link"] = link
    return response
