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
from collections import OrderedDict
from datetime import datetime

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

from posts.models import _CARD_POST_FIELDS, Post

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


def card_key(post: Post, part: str | None, generation: str) -> str:
    """The digest of everything `post`'s card (or `part` of it) is rendered from."""
    row: list = [part, post.pk, *(_column(post, path) for path in _CARD_PATHS)]
    shown = post.shown
    if shown is not post:
        row += [shown.pk, *(_column(shown, path) for path in _CARD_PATHS)]
    if shown.has_media:
        row += [
            sorted((k, v) for k, v in vars(item).items() if not k.startswith("_"))
            for item in shown.attachments.all()
        ]
    digest = hashlib.blake2b(repr(row).encode(), digest_size=16).hexdigest()
    return f"card:{generation}:{digest}"


def _viewer_values(post: Post, viewer, page: dict) -> dict:
    shown = post.shown
    own = shown.author_id == viewer.pk if viewer.is_authenticated else False
    replied = shown.in_reply_to if shown.in_reply_to_id else None
    return {
        **page,
        "since": since(shown.created_at, page["now"]),
        "own": own,
        "liked": post.viewer_liked,
        "reposted": post.viewer_reposted,
        # The answered post is named when it is open to all or the viewer's own: a narrower
        # one's author is not told to someone who perhaps may not read it.
        "reply_named": replied is not None
        and (replied.is_open or (viewer.is_authenticated and replied.author_id == viewer.pk)),
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
    """The cards of `posts` (from Post.objects.with_card_data(viewer)) for the viewer of
    `context` (a template's context: user, here, csrf_token, next), or one `part` of each card
    (a partialdef of the card template, as the like and repost views answer)."""
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
    rendered = {}
    template = None
    out: list[str] = []
    for post, key in zip(posts, keys, strict=True):
        card = found.get(key) if key is not None else None
        if card is None:
            template = template or get_template(template_name)
            html = template.render(
                {"post": post, "shown": post.shown, "search_highlight": highlight}
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
