"""Reading the search box: operators as Twitter had them, and nothing typed is an error."""

import pytest

from search.query import MAX_TERMS, SearchQuery, parse


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("neve preamp", SearchQuery(words=("neve", "preamp"))),
        ('"final mix" atmos', SearchQuery(words=("atmos",), phrases=("final mix",))),
        ("mix -dialogue", SearchQuery(words=("mix",), excluded=("dialogue",))),
        ('mix -"late picture"', SearchQuery(words=("mix",), excluded=("late picture",))),
        ("from:Maya mix", SearchQuery(words=("mix",), authors=("maya",))),
        ("from:@maya from:jonas", SearchQuery(authors=("maya", "jonas"))),
        ("#Foley #ADR", SearchQuery(tags=("foley", "adr"))),
        # Case-folding as hashtags are stored.
        ("#Straße", SearchQuery(tags=("strasse",))),
    ],
)
def test_operators(typed, read):
    assert parse(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # An unbalanced quote: the quote is dropped, the words stay.
        ('"final mix', SearchQuery(words=("final", "mix"))),
        ('mix "', SearchQuery(words=("mix",))),
        # Search engine syntax is words, or nothing when it holds no letter or digit.
        ("NEAR(mix", SearchQuery(words=("NEAR(mix",))),
        ("mix * AND OR", SearchQuery(words=("mix", "AND", "OR"))),
        ("- mix --", SearchQuery(words=("mix",))),
        ("-", SearchQuery()),
        ('""', SearchQuery()),
        ("from:", SearchQuery(words=("from:",))),
        ("from:not-a-name", SearchQuery(words=("from:not-a-name",))),
        ("#123", SearchQuery(words=("#123",))),
        ("mix\x00master", SearchQuery(words=("mix", "master"))),
        ("mix mix MIX", SearchQuery(words=("mix", "MIX"))),
        # "_" separates words in both engines: a word of it alone is no word.
        ("mix __ _", SearchQuery(words=("mix",))),
        # Usernames are ASCII: the Kelvin sign is no K.
        ("from:\u212aate", SearchQuery(words=("from:\u212aate",))),
    ],
)
def test_malformed_input_is_read_as_words(typed, read):
    assert parse(typed) == read


def test_a_query_keeps_at_most_max_terms():
    query = parse(" ".join(f"word{n}" for n in range(50)) + " from:maya #tag")

    assert query.words == tuple(f"word{n}" for n in range(MAX_TERMS))
    assert not query.authors and not query.tags


def test_what_is_empty_and_what_is_highlighted():
    assert parse("-mix -dialogue").is_empty
    assert not parse("from:maya").is_empty
    assert parse('mix "final cut" -dialogue').terms == ["mix", "final", "cut"]
