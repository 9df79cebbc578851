"""The 140-character rule and the one function that turns post text into HTML.

The counting rule is shared with the compose box's live counter (static/posts/counter.js): the
page hands the browser SPACE_CHARS and URL_PATTERN from here, so both sides use the same patterns.
The rule: newlines become "\\n", the text is normalised to NFC and trimmed of whitespace, then
counted in code points, except that every http:// or https:// URL counts URL_WEIGHT.
"""

import functools
import re
import unicodedata

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import USERNAME_PATTERN
from core.links import link

MAX_LENGTH = 140
URL_WEIGHT = 23
# URLs count 23 however long they are, so the stored text needs its own cap; a post may hold a few
# long links, but not a 10,000-character one. The database checks it too.
MAX_STORED_LENGTH = 2000

# Written out rather than \s, because Python's and JavaScript's \s disagree on a few characters
# (U+001C-U+001F, U+FEFF); a character class spelled the same in both languages cannot disagree.
SPACE_CHARS = (
    "\\u0009-\\u000d\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
# Bidirectional controls end a URL: a right-to-left override inside a link could make
# "https://example.com/\u202egpj.exe" look like a different address than the one linked.
BIDI_CHARS = "\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"
# A URL runs until whitespace, a bidi control or a character that cannot be in a URL unescaped;
# it does not end with punctuation, so "see https://example.com." links without the full stop.
# The pattern is valid both as a Python regex and as a JavaScript RegExp with the "u" flag.
URL_PATTERN = (
    "[Hh][Tt][Tt][Pp][Ss]?://"
    f'[^{SPACE_CHARS}{BIDI_CHARS}<>"]*'
    f"[^{SPACE_CHARS}{BIDI_CHARS}<>\"'.,;:!?()\\[\\]{{}}]"
)

_URL = re.compile(URL_PATTERN)
# Control characters (other than tab and newline) and lone surrogates cannot be typed, show as
# nothing or break storage (PostgreSQL refuses NUL): such text is refused, not silently changed.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_TRIM = re.compile(f"^[{SPACE_CHARS}]+|[{SPACE_CHARS}]+\\Z")
_MENTION = re.compile(rf"(?<![\w@])@({USERNAME_PATTERN})(?![A-Za-z0-9_])")
_DISPLAYED_URL_LENGTH = 30


def normalize(text: str) -> str:
    """The text as it is counted and stored: LF newlines, NFC, no surrounding whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _TRIM.sub("", unicodedata.normalize("NFC", text))


def weighted_length(text: str) -> int:
    """The length of normalised text: code points, with every URL counting URL_WEIGHT."""
    urls = _URL.findall(text)
    return len(_URL.sub("", text)) + URL_WEIGHT * len(urls)


def has_forbidden_characters(text: str) -> bool:
    return bool(_FORBIDDEN.search(text))


def post_length(text: str) -> int:
    return weighted_length(normalize(text))


def _is_hashtag_char(char: str) -> bool:
    # Letters, digits and combining marks of any script (Devanagari vowel signs are marks), and _.
    return char == "_" or unicodedata.category(char)[0] in "LNM"


def is_hashtag(tag: str) -> bool:
    """Whether `tag` (without its #) is a hashtag: hashtag characters, not only digits and _."""
    return (
        bool(tag)
        and all(_is_hashtag_char(char) for char in tag)
        and not all(char.isdigit() or char == "_" for char in tag)
    )


def _tokens(text: str):
    """Split text into ("text" | "url" | "mention" | "hashtag", value) pieces, in order."""
    position = 0
    for match in _URL.finditer(text):
        yield from _word_tokens(text[position : match.start()])
        yield "url", match.group()
        position = match.end()
    yield from _word_tokens(text[position:])


def _word_tokens(text: str):
    plain_start = 0
    index = 0
    while index < len(text):
        char = text[index]
        previous = text[index - 1] if index else " "
        if char == "@" and not (previous.isalnum() or previous in "_@"):
            match = _MENTION.match(text, index)
            if match:
                if plain_start < index:
                    yield "text", text[plain_start:index]
                yield "mention", match.group(1)
                index = plain_start = match.end()
                continue
        if char == "#" and not (_is_hashtag_char(previous) or previous in "#&"):
            end = index + 1
            while end < len(text) and _is_hashtag_char(text[end]):
                end += 1
            tag = text[index + 1 : end]
            if is_hashtag(tag):
                if plain_start < index:
                    yield "text", text[plain_start:index]
                yield "hashtag", tag
                index = plain_start = end
                continue
        index += 1
    if plain_start < len(text):
        yield "text", text[plain_start:]


def hashtag_key(tag: str) -> str:
    """The stored, case-insensitive form of a hashtag: #Mixing and #mixing are one tag."""
    return unicodedata.normalize("NFC", tag).casefold()


def extract_hashtags(text: str) -> list[str]:
    """Distinct hashtag keys in order of appearance."""
    keys = [hashtag_key(value) for kind, value in _tokens(text) if kind == "hashtag"]
    return list(dict.fromkeys(keys))


def extract_mentions(text: str) -> list[str]:
    """Distinct @usernames (lower-cased) in order of appearance; not checked against accounts."""
    names = [value.lower() for kind, value in _tokens(text) if kind == "mention"]
    return list(dict.fromkeys(names))


def _display_url(url: str) -> str:
    shown = re.sub(r"^[Hh][Tt][Tt][Pp][Ss]?://(www\.)?", "", url)
    if len(shown) > _DISPLAYED_URL_LENGTH:
        shown = shown[: _DISPLAYED_URL_LENGTH - 1] + "…"
    return shown


def render_post_text(text: str, mentioned_usernames=()) -> SafeString:
    """Post text as HTML: everything escaped, then links for URLs, #hashtags and those @mentions
    whose usernames are in `mentioned_usernames` (the accounts that existed when it was written).

    Only the tags written here are markup; every piece of user text goes through escape().
    """
    known = {name.lower(): name for name in mentioned_usernames}
    parts = []
    for kind, value in _tokens(text):
        if kind == "url":
            parts.append(
                f'<a href="{escape(value)}" rel="nofollow noopener ugc" class="post-link">'
                f"{escape(_display_url(value))}</a>"
            )
        elif kind == "mention" and value.lower() in known:
            username = known[value.lower()]
            href = link("accounts:profile", username)
            parts.append(f'<a href="{escape(href)}" class="mention">@{escape(value)}</a>')
        elif kind == "hashtag":
            href = link("posts:tag", hashtag_key(value))
            parts.append(f'<a href="{escape(href)}" class="hashtag">#{escape(value)}</a>')
        else:
            prefix = "@" if kind == "mention" else ""
            parts.append(escape(prefix + value).replace("\n", "<br>"))
    # Safe: every user-supplied piece above was escaped; only our own tags are left unescaped.
    return mark_safe("".join(parts))  # noqa: S308


def _fold(word: str) -> str:
    """A word as search compares it: accents off (é -> e), case folded (ß -> ss)."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


_STEMMERS = (snowballstemmer.stemmer("english"), snowballstemmer.stemmer("german"))


@functools.lru_cache(maxsize=8192)
def _stems(folded: str) -> tuple[str, ...]:
    """A folded word's English and German stems. Cached: stemming in Python cost 25 ms for a
    page of 20 cards, and posts reuse a small share of all words."""
    return tuple(stemmer.stemWord(folded) for stemmer in _STEMMERS)


_WORD = re.compile(r"\w+")
# In rendered HTML: a tag (left alone), a character reference (left alone), or a word.
_HTML_PIECE = re.compile(r"(<[^>]*>|&#?\w+;)|(\w+)")


class Highlighter:
    """Marks the words of rendered post text that a search matched: a word matches a term when
    they are the same once folded, or share an English or a German stem, as the full-text index
    reads them (search.index). Works on render_post_text's output, so only our own markup is
    read: text between tags is already escaped, and references such as &amp; are skipped."""

    def __init__(self, terms):
        words = {_fold(word) for term in terms for word in _WORD.findall(term)}
        self.stems = {stem for word in words for stem in _stems(word)} | words

    def __bool__(self) -> bool:
        return bool(self.stems)

    def matches(self, word: str) -> bool:
        folded = _fold(word)
        return folded in self.stems or not self.stems.isdisjoint(_stems(folded))

    def __call__(self, html: SafeString) -> SafeString:
        def mark(match) -> str:
            word = match.group(2)
            if word is None or not self.matches(word):
                return match.group()
            return f"<mark>{word}</mark>"

        # Safe: only whole words of already escaped text are wrapped, in a tag of our own.
        return mark_safe(_HTML_PIECE.sub(mark, html))  # noqa: S308
