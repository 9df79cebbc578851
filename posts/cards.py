"""Post cards, rendered once without their viewer and kept.

A card's HTML is mostly the same for everyone who sees it: the author, the text, the media, the
counts. posts/partials/post_card.html is rendered without a viewer (no request, no user), and what
depends on the viewer or the moment is left in it as slots (posts.templatetags.posts: `{% viewer %}`
for a value, `{% ifviewer %}` for a part shown to some viewers only). That HTML is kept, and each
page fills its cards' slots for its viewer: the relative time, the liked and reposted states, the
CSRF token, where a form goes back to, and whether the menu offers Pin and Delete or Report.

The key of a card is a digest of everything it is rendered from: the columns the card query loads
for the post and the post it reposts (posts.models.CARD_FIELDS, which covers any change to the
post, its counts, its author's name, avatar or industry), its attachments, the source of the
templates and of the code that renders them (a deployment starts afresh), the settings and script
prefix that shape URLs, and, where the storage signs its links, the half of a link's life we are
in (so a kept avatar link is always valid). A changed card therefore has a new key, and a key's
HTML never goes stale: nothing is ever invalidated, and no write needs to know about this cache.
A column the template reads but the card query does not load would be a query per card, which
the pinned query counts of every page of cards would show.

Because a key names one immutable rendering, each process keeps the cards it used last in its own
memory (CARD_CACHE_ENTRIES of them); with Redis (REDIS_URL) a process also reads what other
processes rendered, with one get_many per page.
"""

import hashlib
import re
import threading
import time
from collections import OrderedDict, defaultdict
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.template.defaultfilters import urlencode
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import autoreload, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import OPEN_VISIBILITY, User
from core.statements import and_viewer, in_tens, run_rows, statement
from posts.models import _CARD_POST_FIELDS, Attachment, Post

CARD_TEMPLATE = "posts/partials/post_card.html"
# Every template a card is made of, and the apps whose code renders it (URLs, text, tags, people's
# names and initials): their source is part of each key, so a deployment that changes one never
# reads cards the old code rendered (the shared store outlives processes).
CARD_TEMPLATES = (
    CARD_TEMPLATE,
    "posts/partials/attachments.html",
    "accounts/partials/avatar.html",
)
CARD_CODE = ("core", "accounts", "posts", "microblog")
# How long the shared store keeps a card nobody read: a key never goes stale, so this only
# bounds the memory of cards no page shows any more.
SHARED_SECONDS = 7 * 24 * 3600

# The slots the card template leaves (posts.templatetags.posts.viewer_slot and ifviewer). An HTML
# comment cannot come out of user text or of any value the template prints: their "<" is escaped.
SLOT = re.compile(r"<!--([=?:/])([a-z_]*)-->")


# The names are the template's own literals; `shown` and `otherwise` are rendered template output.
def slot_value(name: str) -> SafeString:
    return mark_safe(f"<!--={name}-->")  # noqa: S308


def slot_if(name: str, shown: str, otherwise: str) -> SafeString:
    return mark_safe(f"<!--?{name}-->{shown}<!--:-->{otherwise}<!--/-->")  # noqa: S308


def _compile(html: str) -> list:
    """The card as a list to fill: strings as they are, (name,) for a value, and (name, if
    true, if false) for a conditional part."""
    root: list = []
    stack = [root]
    pieces = SLOT.split(html)
    stack[-1].append(pieces[0])
    for index in range(1, len(pieces), 3):
        kind, name, text = pieces[index], pieces[index + 1], pieces[index + 2]
        if kind == "=":
            stack[-1].append((name,))
        elif kind == "?":
            part = (name, [], [])
            stack[-1].append(part)
            stack.append(part[1])
        elif kind == ":":
            stack.pop()
            stack.append(stack[-1][-1][2])
        else:
            stack.pop()
        if text:
            stack[-1].append(text)
    return root


def _fill(items: list, values: dict, out: list) -> None:
    for item in items:
        if item.__class__ is str:
            out.append(item)
        elif len(item) == 1:
            out.append(values[item[0]])
        else:
            _fill(item[1] if values[item[0]] else item[2], values, out)


class _Kept:
    """The compiled cards this process used last, by key, up to a number of them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.cards: OrderedDict[str, list] = OrderedDict()

    def get_many(self, keys) -> dict:
        found = {}
        with self.lock:
            for key in keys:
                card = self.cards.get(key)
                if card is not None:
                    self.cards.move_to_end(key)
                    found[key] = card
        return found

    def set_many(self, cards: dict) -> None:
        limit = settings.CARD_CACHE_ENTRIES
        with self.lock:
            self.cards.update(cards)
            while len(self.cards) > limit:
                self.cards.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.cards.clear()


kept = _Kept()
_sources: str | None = None


@receiver(autoreload.file_changed)
def _forget(**kwargs):
    # The development server reloads a changed template without restarting the process.
    global _sources
    _sources = None
    kept.clear()


def _source_digest() -> str:
    """A digest of the card's templates and of the code that renders them, once a process."""
    global _sources
    if _sources is None:
        digest = hashlib.blake2b(digest_size=8)
        for name in CARD_TEMPLATES:
            digest.update(get_template(name).template.source.encode())
        for app in CARD_CODE:
            for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
                if "migrations" not in path.parts:
                    digest.update(path.read_bytes())
        _sources = digest.hexdigest()
    return _sources


def _generation() -> str:
    """What every key of this request shares: the sources, and the settings, time zone, script
    prefix and signed links' window the cards' dates and links come from (hashed: the storage
    settings hold its keys)."""
    shaping = repr((settings.MEDIA_URL, settings.STORAGES, timezone.get_current_timezone_name()))
    return "-".join(
        (
            _source_digest(),
            hashlib.blake2b(shaping.encode(), digest_size=8).hexdigest(),
            get_script_prefix(),
            str(_link_window()),
        )
    )


def _link_window() -> int:
    """Which half of a signed storage link's life this is (0 when links are not signed): a card
    kept in one half is rendered again in the next, so its links never expire on a page."""
    options = settings.STORAGES["default"].get("OPTIONS", {})
    if not options.get("querystring_auth"):
        return 0
    return int(time.time() // max(1, options.get("querystring_expire", 3600) // 2))


def _column(post, path: list[str]):
    value = post
    for name in path:
        value = getattr(value, name)
        if value is None:
            return None
    return value.name if isinstance(value, FieldFile) else value


_CARD_PATHS = [field.split("__") for field in _CARD_POST_FIELDS]


def card_key(post, part: str | None, generation: str, loaded_for: "CardRow | None" = None) -> str:
    """The digest of everything `post`'s card (or `part` of it) is rendered from: a post from
    with_card_data() or a `CardRow`, which give the same key for the same card (a post loaded
    for a row, `loaded_for`, has the row's attachments)."""
    if isinstance(post, CardRow):
        row: list = [part, post.pk, *post.columns]
        if post.shown_pk != post.pk:
            row += [post.shown_pk, *post.shown_columns]
        attachments = post.attachments
    else:
        row = [part, post.pk, *(_column(post, path) for path in _CARD_PATHS)]
        shown = post.shown
        if shown is not post:
            row += [shown.pk, *(_column(shown, path) for path in _CARD_PATHS)]
        attachments = _attachments(loaded_for or post)
    row += [
        sorted((k, v) for k, v in vars(item).items() if not k.startswith("_"))
        for item in attachments
    ]
    digest = hashlib.blake2b(repr(row).encode(), digest_size=16).hexdigest()
    return f"card:{generation}:{digest}"


def _attachments(post) -> list:
    """The attachments `post`'s card shows (a post or a `CardRow`), loaded with it."""
    if isinstance(post, CardRow):
        return post.attachments
    shown = post.shown
    return list(shown.attachments.all()) if shown.has_media else []


_AT = {name: index for index, name in enumerate(_CARD_POST_FIELDS)}
# A card's row: the post's id and card columns, the same of the post it reposts (none for a post
# that is not a repost), and the viewer's flags.
_ROW_COLUMNS = (
    "id",
    *_CARD_POST_FIELDS,
    *(f"repost_of__{field}" for field in _CARD_POST_FIELDS),
    "viewer_liked",
    "viewer_reposted",
)


class CardRow:
    """A post's card as one row of values (`card_rows`): what the card's key and its viewer's
    slots read, without the model instances. A page whose cards are kept needs nothing else;
    the post itself (with_card_data()'s instance, to render the card from) is loaded by
    render_cards only for a card that is not."""

    __slots__ = (
        "pk",
        "columns",
        "shown_pk",
        "shown_columns",
        "viewer_liked",
        "viewer_reposted",
        "attachments",
        "post",
    )

    def __init__(self, row: list):
        count = len(_CARD_POST_FIELDS)
        self.pk = row[0]
        self.columns = row[1 : count + 1]
        original = self.columns[_AT["repost_of_id"]]
        self.shown_pk = original or self.pk
        self.shown_columns = row[count + 1 : 2 * count + 1] if original else self.columns
        self.viewer_liked, self.viewer_reposted = row[2 * count + 1], row[2 * count + 2]
        self.attachments: list = []
        self.post: Post | None = None

    @property
    def id(self) -> int:
        return self.pk

    def column(self, name: str):
        """Column `name` (of CARD_FIELDS without "repost_of__") of this post."""
        return self.columns[_AT[name]]

    def shown(self, name: str):
        """Column `name` of the post the card shows (the original of a repost)."""
        return self.shown_columns[_AT[name]]


def card_rows(ids: list[int], viewer, *, readable: bool, mutes: bool = True) -> list[CardRow]:
    """The cards of posts `ids` as rows, in no order: with `readable`, only those `viewer` may
    read, less hidden people's (Post.objects.readable_by, without_hidden_people with `mutes`),
    for ids read without those rules (the stored home timeline, a thread's ancestors); without,
    all of them, for ids read through a page's own rules. One statement, compiled once a
    process (`core.statements`), and one more for the attachments when a card shows any."""
    if not ids:
        return []
    signed_in, values = and_viewer(viewer, in_tens(ids))
    name = f"card_rows {readable=} {mutes=} {signed_in=}"
    build = partial(_card_rows_query, readable=readable, mutes=mutes, signed_in=signed_in)
    return _rows(name, build, values)


def _viewer_of(values: tuple, signed_in: bool) -> tuple[User | None, tuple]:
    """The viewer (a stand-in person, or None) and the other values, of `and_viewer`'s values."""
    return (User(pk=values[0]), values[1:]) if signed_in else (None, values)


def _card_rows_query(*values, readable: bool, mutes: bool, signed_in: bool):
    viewer, ids = _viewer_of(values, signed_in)
    posts = Post.objects.all()
    if readable:
        posts = posts.readable_by(viewer).without_hidden_people(viewer, mutes=mutes)
    return posts.filter(pk__in=ids).order_by()._with_viewer_flags(viewer).values_list(*_ROW_COLUMNS)


def reply_rows(post_id: int, viewer, *, limit: int) -> list[CardRow]:
    """The cards of the first `limit` replies to post `post_id` that `viewer` may read, oldest
    first, less those of people they block or who block them (a conversation shows the replies
    of people they mute), as rows: one statement compiled once a process, as `card_rows`."""
    signed_in, values = and_viewer(viewer, [post_id])
    build = partial(_reply_rows_query, limit=limit, signed_in=signed_in)
    return _rows(f"reply_rows {limit=} {signed_in=}", build, values)


def _reply_rows_query(*values, limit: int, signed_in: bool):
    viewer, (post_id,) = _viewer_of(values, signed_in)
    replies = Post.objects.readable_by(viewer).without_hidden_people(viewer, mutes=False)
    replies = replies.filter(in_reply_to_id=post_id).order_by("id")[:limit]
    return replies._with_viewer_flags(viewer).values_list(*_ROW_COLUMNS)


def _rows(name: str, build, values: list) -> list[CardRow]:
    rows = [CardRow(row) for row in run_rows(statement(name, build, values))]
    with_media = {row.shown_pk for row in rows if row.shown("has_media")}
    if with_media:
        attachments = defaultdict(list)
        for item in Attachment.objects.filter(post_id__in=with_media):
            attachments[item.post_id].append(item)
        for row in rows:
            if row.shown_pk in with_media:
                row.attachments = attachments[row.shown_pk]
    return rows


def _posts_load(rows: list[CardRow]) -> None:
    """The model instances of `rows`' posts, for their cards to be rendered: one query (the
    rows have their attachments)."""
    posts = Post.objects.filter(pk__in=[row.pk for row in rows]).with_card_data(None, media=False)
    found = {post.pk: post for post in posts.order_by()}
    for row in rows:
        row.post = found.get(row.pk)


def _viewer_values(post, viewer, page: dict) -> dict:
    """The slots' values of `post`'s card (a post or a `CardRow`) for `viewer`."""
    if isinstance(post, CardRow):
        created_at, author_id = post.shown("created_at"), post.shown("author_id")
        replied = post.shown("in_reply_to_id") is not None
        reply_open = post.shown("in_reply_to__visibility") in OPEN_VISIBILITY
        reply_author_id = post.shown("in_reply_to__author_id")
    else:
        shown = post.shown
        created_at, author_id = shown.created_at, shown.author_id
        replied = shown.in_reply_to_id is not None
        reply_open = replied and shown.in_reply_to.is_open
        reply_author_id = shown.in_reply_to.author_id if replied else None
    own = viewer.is_authenticated and author_id == viewer.pk
    return {
        **page,
        "since": since(created_at, page["now"]),
        "own": own,
        "liked": post.viewer_liked,
        "reposted": post.viewer_reposted,
        # The answered post is named when it is open to all or the viewer's own: a narrower
        # one's author is not told to someone who perhaps may not read it.
        "reply_named": replied
        and (reply_open or (viewer.is_authenticated and reply_author_id == viewer.pk)),
    }


def since(moment: datetime, now: datetime | None = None) -> str:
    """How long ago, as timelines say it: "now", "5m", "3h", then the date ("12 Nov", and
    "12 Nov 2025" from another year). The full date and time go in the <time> title."""
    now = now or timezone.now()
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    local = timezone.localtime(moment)
    if local.year == timezone.localtime(now).year:
        return f"{local.day} {local:%b}"
    return f"{local.day} {local:%b %Y}"


def _page_values(context, pinned: bool) -> dict:
    """The slots' values that are the same for every card of a page."""
    viewer = context["user"]
    here = context.get("here", "")
    return {
        "now": timezone.now(),
        "authed": viewer.is_authenticated,
        "pinned": pinned,
        "csrf": CsrfTokenNode().render(context),
        "next": str(conditional_escape(context.get("next") or here)),
        "back": str(conditional_escape(urlencode(here))),
    }


def render_cards(context, posts, *, part: str | None = None, pinned: bool = False) -> SafeString:
    """The cards of `posts` (from Post.objects.with_card_data(viewer), or `card_rows`) for the
    viewer of `context` (a template's context: user, here, csrf_token, next), or one `part` of
    each card (a partialdef of the card template, as the like and repost views answer)."""
    posts = list(posts)
    if not posts:
        return mark_safe("")
    viewer = context["user"]
    page = _page_values(context, pinned)
    template_name = f"{CARD_TEMPLATE}#{part}" if part else CARD_TEMPLATE
    # Search results mark the matched words in the text: those cards are rendered, not kept.
    highlight = context.get("search_highlight")
    generation = _generation()
    keys = [None if highlight else card_key(post, part, generation) for post in posts]
    wanted = [key for key in keys if key is not None]
    found = kept.get_many(wanted) if wanted else {}
    shared = _shared()
    if shared is not None and len(found) < len(wanted):
        missing = [key for key in wanted if key not in found]
        fetched = {key: _compile(html) for key, html in shared.get_many(missing).items()}
        kept.set_many(fetched)
        found.update(fetched)
    unkept = [
        post
        for post, key in zip(posts, keys, strict=True)
        if isinstance(post, CardRow) and (key is None or key not in found)
    ]
    if unkept:
        _posts_load(unkept)
    rendered = {}
    template = None
    out: list[str] = []
    for post, key in zip(posts, keys, strict=True):
        card = found.get(key) if key is not None else None
        if card is None:
            instance = post
            if isinstance(post, CardRow):
                instance = post.post
                if instance is None:  # deleted since its row was read
                    continue
                # Changed since its row was read (a like, a removal): its HTML shows the post as
                # it is now, which the row's key does not name. Shown, not kept.
                if key is not None and card_key(instance, part, generation, post) != key:
                    key = None
            template = template or get_template(template_name)
            html = template.render(
                {
                    "post": instance,
                    "shown": instance.shown,
                    "attachments": _attachments(post),
                    "search_highlight": highlight,
                }
            )
            card = _compile(html)
            if key is not None:
                found[key] = card
                rendered[key] = html
        _fill(card, _viewer_values(post, viewer, page), out)
    if rendered:
        kept.set_many({key: found[key] for key in rendered})
        if shared is not None:
            shared.set_many(rendered, timeout=SHARED_SECONDS)
    # Rendered template output, and slot values escaped where _page_values and since make them.
    return mark_safe("".join(out))  # noqa: S308


def _shared():
    alias = settings.CARD_CACHE_SHARED
    return caches[alias] if alias else None
