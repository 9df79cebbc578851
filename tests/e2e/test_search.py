"""Searching in a browser: a word from a post and a person's industry are found, in place with
htmx, and the same search works as a plain page (the URL keeps it)."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import log_in, screenshot
from tests.factories import IndustryFactory, UserFactory, post_published


def test_search_finds_a_post_by_its_word_and_a_person_by_industry(page):
    foley = IndustryFactory(name="Foley artistry", slug="foley-artistry")
    ana = UserFactory(username="ana", display_name="Ana Costa")
    UserFactory(username="bea", display_name="Bea Lindqvist", industry=foley, location="Oslo")
    post_published(ana, "Recorded gravel footsteps for the Neve session, 48 kHz")
    post_published(ana, "Lunch break")

    log_in(page, "ana")
    page.get_by_role("link", name="Search", exact=True).click()
    box = page.get_by_role("searchbox", name="Search")
    box.fill("footstep")
    box.press("Enter")

    results = page.get_by_role("feed", name="Posts found")
    expect(results.get_by_role("article")).to_have_count(1)
    expect(results.get_by_role("article")).to_contain_text("Recorded gravel footsteps")
    expect(results.locator("mark")).to_have_text("footsteps")
    expect(page).to_have_url(re.compile(r"/search/\?.*q=footstep"))
    screenshot(page, "search-posts")

    tabs = page.get_by_role("navigation", name="What to search")
    tabs.get_by_role("link", name="People").click()
    expect(tabs.get_by_role("link", name="People")).to_have_attribute("aria-current", "page")
    # The tab keeps what was typed (nobody matches it); the next search is in the same box.
    box = page.get_by_role("searchbox", name="Search")
    expect(box).to_have_value("footstep")
    expect(page.get_by_text("Nobody matches “footstep”.")).to_be_visible()
    box.fill("foley")
    box.press("Enter")

    person = page.get_by_role("article", name="Bea Lindqvist")
    expect(person).to_be_visible()
    expect(person).to_contain_text("Foley artistry")
    expect(page.get_by_role("article", name="Ana Costa")).to_have_count(0)

    # The URL holds the search: opened as a plain page, the same person is there.
    page.goto(page.url)
    expect(page.get_by_role("article", name="Bea Lindqvist")).to_be_visible()
