"""What a person types in the search box, read the way Twitter read it.

`from:username` (any of several), `#tag` (all of several), `"exact phrase"`, `-word` or
`-"phrase"` to leave out; everything else is plain words, all of which must match. Nothing typed
is an error: an unbalanced quote, a lone `-`, or the syntax of a search engine (`NEAR(`, `*`,
`AND`, `OR`) is read as words, and what holds no letter or digit is dropped. The database is
given each word and phrase quoted (`index`), so no engine reads an operator in it.
"""

import re
from dataclasses import dataclass

from accounts.models import USERNAME_PATTERN
from posts import text as post_text

# Longer searches are refused beside the box (search.forms): a bound on what one query costs.
MAX_LENGTH = 200
MAX_TERMS = 12

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_AUTHOR = re.compile(rf"from:@?({USERNAME_PATTERN})\Z", re.IGNORECASE | re.ASCII)
# A letter or a digit: both engines take "_" for a space between words.
_WORD_CHARACTER = re.compile(r"[^\W_]")
# Control characters cannot be typed and PostgreSQL refuses NUL: they separate words here.
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class SearchQuery:
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    # Words and phrases a post must not have.
    excluded: tuple[str, ...] = ()
    # Lower-cased usernames: posts by any of them.
    authors: tuple[str, ...] = ()
    # Hashtag keys (posts.text.hashtag_key): posts with all of them.
    tags: tuple[str, ...] = ()

    @property
    def has_text(self) -> bool:
        """Whether some words or phrases must be in the text."""
        return bool(self.words or self.phrases)

    @property
    def is_empty(self) -> bool:
        """Nothing to look for: leaving words out alone finds nothing (it would be every post)."""
        return not (self.has_text or self.authors or self.tags)

    @property
    def terms(self) -> list[str]:
        """The words to highlight in what is found: the words and the phrases' words."""
        found = list(self.words)
        for phrase in self.phrases:
            found += phrase.split()
        return found


def _has_word(text: str) -> bool:
    return bool(_WORD_CHARACTER.search(text))


def parse(text: str) -> SearchQuery:
    """The query in `text`; at most MAX_TERMS terms are kept (the first ones)."""
    words, phrases, excluded, authors, tags = [], [], [], [], []
    text = _CONTROL.sub(" ", text or "")
    for match in _TOKEN.finditer(text):
        minus, quoted, bare = match.groups()
        if quoted is not None:
            phrase = " ".join(quoted.split())
            if _has_word(phrase):
                (excluded if minus else phrases).append(phrase)
            continue
        leave_out = bare.startswith("-")
        token = bare.lstrip("-").replace('"', "")
        author = _AUTHOR.match(token)
        if author and not leave_out:
            authors.append(author.group(1).lower())
        elif token.startswith("#") and post_text.is_hashtag(token[1:]) and not leave_out:
            tags.append(post_text.hashtag_key(token[1:]))
        elif _has_word(token):
            (excluded if leave_out else words).append(token)
    kept = MAX_TERMS
    parts = []
    for found in (words, phrases, excluded, authors, tags):
        parts.append(tuple(dict.fromkeys(found))[: max(kept, 0)])
        kept -= len(parts[-1])
    return SearchQuery(*parts)


def tag_prefix(text: str) -> str:
    """The hashtag key a Tags search starts with: the first word, without its #; "" if that is
    no hashtag. A tags cursor is a key, so a cursor is valid when it is its own prefix."""
    first = (text or "").split(maxsplit=1)
    word = first[0].lstrip("#") if first else ""
    return post_text.hashtag_key(word) if post_text.is_hashtag(word) else ""
