"""Journey 3: find a person by industry and location, follow them, read them on the home
timeline, get their next post through the "new posts" bar, and load older posts by scrolling,
without the page jumping or loading again."""

import re

from playwright.sync_api import expect

from accounts.models import Industry
from tests.e2e.helpers import log_in, screenshot
from tests.factories import UserFactory, post_published


def top_of(locator) -> float:
    """Where an element is on the screen."""
    return locator.evaluate("el => el.getBoundingClientRect().top")


def page_top_of(locator) -> float:
    """Where an element is on the page, however far it is scrolled."""
    return locator.evaluate("el => el.getBoundingClientRect().top + window.scrollY")


def test_find_someone_follow_them_and_read_them(page, settings):
    settings.FEED_POLL_SECONDS = 1  # the live server reads it per request: no 30 s wait
    post_production = Industry.objects.get(slug="film-and-tv-post-production")
    UserFactory(username="ana", display_name="Ana Costa", location="Lisbon")
    bea = UserFactory(
        username="bea",
        display_name="Bea Lindqvist",
        industry=post_production,
        location="Berlin",
        bio="Assistant editor. Conforms, turnovers, deliverables.",
        open_to_collaborate=True,
    )
    UserFactory(username="lon", display_name="Lon Don", industry=post_production, location="London")
    UserFactory(username="berlin", display_name="Ber Lin", location="Berlin")  # another industry
    for n in range(25):
        post_published(bea, text=f"Conform pass {n} done, reel {n % 6 + 1} is with the colourist")

    log_in(page, "ana")
    expect(page.get_by_role("heading", name="Your timeline is empty")).to_be_visible()

    # The directory, filtered by industry and location; the URL keeps the filters.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_label("Location").fill("atlantis")
    results = page.locator("#people-results")
    expect(results.get_by_text("Nobody matches these filters yet.")).to_be_visible()
    page.get_by_label("Industry").select_option(label="Film and TV post-production")
    page.get_by_label("Location").fill("berlin")
    expect(results.get_by_role("article", name="Lon Don")).to_have_count(0)
    expect(results.get_by_role("article", name="Ber Lin")).to_have_count(0)
    expect(results.get_by_role("article", name="Bea Lindqvist")).to_be_visible()
    expect(page).to_have_url(re.compile(r"industry=film-and-tv-post-production.*location=berlin"))

    results.get_by_role("button", name="Follow Bea Lindqvist").click()
    expect(results.get_by_role("button", name="Unfollow Bea Lindqvist")).to_be_visible()
    page.mouse.move(0, 0)
    screenshot(page, "journey-3-directory")

    # Bea's posts are on the home timeline, 20 at first.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.evaluate("window.stillTheSamePage = true")
    timeline = page.get_by_role("feed", name="Home timeline")
    cards = timeline.get_by_role("article")
    expect(timeline.get_by_text("Conform pass 24 done")).to_be_visible()
    expect(cards).to_have_count(20)

    # Scrolling to the end loads the older ones below; what is on screen does not move.
    last = cards.nth(19)
    before = page_top_of(last)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    expect(cards).to_have_count(25)
    expect(timeline.get_by_text("Conform pass 0 done")).to_be_attached()
    assert abs(page_top_of(last) - before) < 1  # older posts go below: no jump

    # Bea posts again while Ana reads further down: a bar offers it without moving the page.
    reading = cards.nth(10)
    reading.scroll_into_view_if_needed()
    before = top_of(reading)
    post_published(bea, text="Picture lock, for real this time. Thanks, everyone!")
    bar = page.get_by_role("button", name="1 new post")
    expect(bar).to_be_visible()
    expect(page.locator("#new-posts")).to_have_attribute("aria-live", "polite")
    assert abs(top_of(reading) - before) < 1
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.move(0, 0)
    screenshot(page, "journey-3-new-posts-bar")

    # A click puts it on top, and focus moves to it.
    bar.click()
    first = cards.first
    expect(first).to_contain_text("Picture lock, for real this time")
    expect(first).to_be_focused()
    expect(bar).to_have_count(0)
    expect(cards).to_have_count(26)
    assert page.evaluate("window.stillTheSamePage") is True
    # The side panel's suggestions arrive after the page: the other people Ana could follow.
    panel = page.get_by_role("complementary").get_by_role("region", name="Who to follow")
    expect(panel.get_by_role("article", name="Lon Don")).to_be_visible()
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    screenshot(page, "journey-3-home")
