import re

import pytest
from django.core.exceptions import ValidationError

from posts import services
from posts.models import Post
from posts.services import post_text_clean
from posts.text import (
    URL_PATTERN,
    extract_hashtags,
    extract_mentions,
    post_length,
    render_post_text,
)
from tests.data.hostile import PAYLOADS
from tests.factories import UserFactory
from tests.posts.cases import post_length_cases

CASES = post_length_cases()


def test_shared_file_covers_the_required_kinds_of_text():
    names = " ".join(case["name"] for case in CASES).lower()
    assert len(CASES) >= 30
    for kind in ["ascii", "accent", "combining", "cjk", "emoji", "zwj", "flag", "url", "edge"]:
        assert kind in names, kind
    assert any("\n" in case["text"] for case in CASES)
    assert any(case["text"].strip() == "" and case["text"] for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_server_counts_every_shared_case(case):
    assert post_length(case["text"]) == case["count"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_server_accepts_exactly_the_valid_shared_cases(case):
    if case["valid"]:
        assert post_text_clean(case["text"])
    else:
        with pytest.raises(ValidationError):
            post_text_clean(case["text"])


def test_refusals_say_why():
    with pytest.raises(ValidationError) as empty:
        post_text_clean("   \n ")
    with pytest.raises(ValidationError) as long:
        post_text_clean("a" * 150)

    assert empty.value.messages == ["Write something first."]
    assert long.value.messages == ["Posts can be at most 140 characters; this one has 150."]


def test_url_pattern_compiles_the_same_way_the_browser_uses_it():
    # The browser builds RegExp(URL_PATTERN, "gu"): no Python-only syntax may creep in.
    assert "(?" not in URL_PATTERN and "\\Z" not in URL_PATTERN and "\\s" not in URL_PATTERN
    assert re.fullmatch(URL_PATTERN, "https://example.com/path?q=1")


def test_hashtags_any_script_case_insensitive_not_all_digits():
    text = "#Mixing #mixing #Звук #音楽 #2024 #mix2024 #हिन्दी a#b ##x &#39; #_"

    assert extract_hashtags(text) == ["mixing", "звук", "音楽", "mix2024", "हिन्दी"]


def test_mentions_are_word_bounded_and_case_insensitive():
    text = "@Maya and @maya, mail me@example.com, @jonas_k. @" + "x" * 31

    assert extract_mentions(text) == ["maya", "jonas_k"]


def test_mentions_inside_urls_are_not_mentions():
    assert extract_mentions("https://example.com/@maya") == []
    assert extract_hashtags("https://example.com/#anchor") == []


# Rendering --------------------------------------------------------------------------------------


def test_links_known_mentions_hashtags_and_urls():
    html = render_post_text(
        "Hi @Maya and @ghost: #Mixing at https://example.com/a/very/long/path/to/an/article",
        ["maya"],
    )

    assert '<a href="/@maya/" class="mention">@Maya</a>' in html
    assert "@ghost" in html and 'href="/@ghost/"' not in html
    assert '<a href="/tags/mixing/" class="hashtag">#Mixing</a>' in html
    assert (
        '<a href="https://example.com/a/very/long/path/to/an/article" '
        'rel="nofollow noopener ugc" class="post-link">example.com/a/very/long/path/…</a>'
    ) in html


def test_non_latin_hashtag_link_is_percent_encoded():
    html = render_post_text("#Звук")

    assert 'href="/tags/%D0%B7%D0%B2%D1%83%D0%BA/"' in html
    assert ">#Звук</a>" in html


def test_html_is_escaped_not_rendered():
    html = render_post_text('<script>alert("x")</script><img src=x onerror=alert(1)> & co')

    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&amp; co" in html


def test_javascript_urls_are_never_links():
    html = render_post_text("javascript:alert(1) JAVASCRIPT://%0aalert(1) data:text/html,<b>")

    assert "<a" not in html
    assert "&lt;b&gt;" in html


def test_quotes_inside_urls_cannot_break_out_of_the_attribute():
    html = render_post_text("https://example.com/'onmouseover='alert(1)' x")

    assert 'href="https://example.com/&#x27;onmouseover=&#x27;alert(1"' in html
    assert " onmouseover=" not in html


def test_double_quote_and_angle_bracket_end_a_url():
    html = render_post_text('https://example.com/a"><script>x</script>')

    assert 'href="https://example.com/a"' in html
    assert "&quot;&gt;&lt;script&gt;" in html


def test_rtl_override_cannot_disguise_a_link():
    html = render_post_text("https://example.com/\u202egpj.exe")

    assert 'href="https://example.com/"' in html
    assert "\u202e" not in html.split("</a>")[0]


def test_mention_markup_in_a_username_position_is_escaped():
    html = render_post_text("@maya<b>bold</b>", ["maya"])

    assert html == '<a href="/@maya/" class="mention">@maya</a>&lt;b&gt;bold&lt;/b&gt;'


def test_newlines_become_line_breaks():
    assert render_post_text("one\ntwo") == "one<br>two"


# The shared hostile-input corpus ----------------------------------------------------------------

# The only markup render_post_text may write: links to http(s) URLs, tags and profiles, and <br>.
OUR_MARKUP = re.compile(
    r'<a href="(?:https?://|/tags/|/@)[^"<>]*" '
    r'(?:rel="nofollow noopener ugc" class="post-link"|class="mention"|class="hashtag")>'
    r"|</a>|<br>"
)
REFUSALS = re.compile(
    r"^(Write something first\.|Remove the invisible control characters from your post\.|"
    r"Posts can be at most \d+ characters.*)$"
)


def assert_inert(html):
    leftover = OUR_MARKUP.sub("", html)
    assert "<" not in leftover and ">" not in leftover and '"' not in leftover, leftover[:200]


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "payload"), PAYLOADS, ids=[label for label, _ in PAYLOADS])
def test_hostile_input_is_refused_with_a_reason_or_rendered_inert(label, payload):
    author = UserFactory()
    UserFactory(username="maya")
    try:
        post = services.post_create(author=author, text=f"@maya #tag {payload}")
    except ValidationError as error:
        assert REFUSALS.match(error.message_dict["text"][0]), error.message_dict
        assert Post.objects.count() == 0
        return
    assert_inert(render_post_text(post.text, post.mentioned_usernames))
    assert_inert(render_post_text(payload, ["maya"]))
