"""Journey 2: writing posts. The live counter on tricky text agrees with the server; an over-long
post is refused and keeps its text; a link and a hashtag render as links; a post is deleted. All
in place, without a page load."""

import re

from playwright.sync_api import expect

from accounts.models import Industry
from posts.models import Post
from tests.e2e.helpers import log_in, screenshot
from tests.factories import UserFactory
from tests.posts.cases import post_length_cases

LONG_WORD = "Supercalifragilistic" * 7  # 140 letters and no place to break


def mark_page(page):
    """A marker that survives only as long as no page load happens."""
    page.evaluate("window.__noReload = 'still here'")


def assert_no_page_load(page):
    assert page.evaluate("window.__noReload") == "still here"


def test_write_posts_see_them_rendered_and_delete_one(page):
    page.expected_statuses.add(422)  # the refused post comes back with its reason, by design
    nadia = UserFactory(
        username="nadia_sound",
        display_name="Nadia Haddad",
        industry=Industry.objects.get(slug="audio-and-sound-design"),
        location="Marseille",
    )
    log_in(page, "nadia_sound")
    mark_page(page)
    box = page.get_by_label("What are you doing?")
    counter = page.locator("#compose-form [data-compose-counter]")
    remaining = page.locator("#compose-form [data-compose-remaining]")
    button = page.get_by_role("button", name="Post", exact=True)
    expect(page.get_by_role("heading", name="Your timeline is empty")).to_be_visible()

    # The counter on tricky text: every shared case, as the server counts it.
    expect(remaining).to_have_text("140")
    expect(button).to_be_disabled()
    expect(counter).to_have_attribute("aria-live", "polite")
    for case in post_length_cases():
        box.fill(case["text"])
        expect(remaining, case["name"]).to_have_text(str(140 - case["count"]))
        if case["valid"]:
            expect(button, case["name"]).to_be_enabled()
            expect(counter, case["name"]).not_to_have_class(re.compile("is-over"))
        else:
            expect(button, case["name"]).to_be_disabled()
        if case["count"] > 140:
            expect(counter, case["name"]).to_have_class(re.compile("is-over"))

    # An over-long post: the counter goes red and the button off. Sent anyway (as a browser
    # without the counter would), the server refuses it and the text stays in the box.
    too_long = "Overdubs for the trailer: " + "tambourine, shaker, claps, " * 5
    box.fill(too_long)
    expect(remaining).to_have_text("-20")
    expect(counter).to_have_class(re.compile("is-over"))
    expect(button).to_be_disabled()
    page.evaluate("document.querySelector('#compose-form [data-compose-submit]').disabled = false")
    button.click()
    expect(page.locator("#compose-form").get_by_role("alert")).to_have_text(
        "Posts can be at most 140 characters; this one has 160."
    )
    expect(box).to_have_value(too_long)
    expect(button).to_be_disabled()
    screenshot(page, "journey-2-refused")

    # A post with a link and a hashtag: both are links; the box clears and keeps the focus.
    box.fill("Dawn chorus session for the #foley library, notes at https://example.com/dawn/notes")
    expect(remaining).to_have_text("64")
    button.click()
    card = page.get_by_role("feed", name="Home timeline").get_by_role("article").first
    expect(card).to_contain_text("Dawn chorus session for the #foley library")
    expect(card.get_by_role("link", name="#foley")).to_have_attribute("href", "/tags/foley/")
    expect(card.get_by_role("link", name="example.com/dawn/notes")).to_have_attribute(
        "rel", "nofollow noopener ugc"
    )
    expect(card.get_by_role("link", name="Nadia Haddad")).to_be_visible()
    expect(card.get_by_text("Audio and sound design")).to_be_visible()
    expect(card.locator("time")).to_have_attribute("title", re.compile(r"^\d{1,2} \w{3} \d{4}"))
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    expect(remaining).to_have_text("140")

    # A 140-letter word wraps inside its card instead of widening the page.
    box.fill(LONG_WORD)
    expect(remaining).to_have_text("0")
    button.click()
    long_card = page.get_by_role("article").filter(has_text=LONG_WORD)
    expect(long_card).to_be_visible()
    text_box = long_card.locator(".post-text").bounding_box()
    card_box = long_card.bounding_box()
    assert text_box["x"] + text_box["width"] <= card_box["x"] + card_box["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Deleting it, from the card's small menu, after the browser's confirmation.
    long_card.get_by_label("More actions").click()
    page.once("dialog", lambda dialog: dialog.accept())
    long_card.get_by_role("link", name="Delete").click()
    expect(page.get_by_text(LONG_WORD)).to_have_count(0)
    expect(page.get_by_role("feed", name="Home timeline").get_by_role("article")).to_have_count(1)
    assert list(Post.objects.filter(author=nadia).values_list("text", flat=True)) == [
        "Dawn chorus session for the #foley library, notes at https://example.com/dawn/notes"
    ]

    box.fill("Anyone near Marseille with a spare #Sennheiser shotgun?")
    page.mouse.move(0, 0)
    screenshot(page, "journey-2-compose")
    assert_no_page_load(page)
