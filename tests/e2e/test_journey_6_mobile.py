"""Journey 6: the home timeline on a phone (375 x 812). The same page is usable: the tab bar
reaches every main page, the compose box posts, posts are readable, nothing is wider than the
screen, even a long word or link."""

import re

from playwright.sync_api import expect

from accounts.models import Industry
from follows.services import follow_create
from posts.services import post_create
from tests.e2e.helpers import log_in, screenshot
from tests.factories import UserFactory

PHONE = {"width": 375, "height": 812}


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= 375")


def test_the_home_timeline_on_a_phone(page):
    page.set_viewport_size(PHONE)
    post_production = Industry.objects.get(slug="film-and-tv-post-production")
    music = Industry.objects.get(slug="music-production-and-engineering")
    ana = UserFactory(username="ana", display_name="Ana Costa", industry=music, location="Lisbon")
    bea = UserFactory(
        username="bea", display_name="Bea Lindqvist", industry=post_production, location="Berlin"
    )
    follow_create(follower=ana, followee=bea)
    post_create(author=bea, text="Turnover for reel 3: https://example.com/" + "deliverables/" * 8)
    post_create(author=bea, text="Naming convention of the week: " + "Reel3_v12_FINAL" * 5)
    post_create(author=bea, text="Picture lock on the documentary! Thank you all #post")

    log_in(page, "ana")
    timeline = page.get_by_role("feed", name="Home timeline")
    expect(timeline.get_by_role("article")).to_have_count(3)
    expect(timeline.get_by_role("article").first).to_contain_text("Picture lock")
    assert no_horizontal_overflow(page)

    # The main pages are a thumb away, in a tab bar at the bottom of the screen.
    nav = page.get_by_role("navigation", name="Main")
    for name in ["Home", "People", "Notifications", "Messages"]:
        link = nav.get_by_role("link", name=re.compile(f"^{name}"))
        expect(link).to_be_in_viewport()
        assert link.bounding_box()["y"] > 812 - 80, f"{name} is not at the bottom"
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    for name in ["Profile", "Industries", "Settings"]:
        expect(nav.get_by_role("link", name=name)).to_be_in_viewport()
    expect(nav.get_by_role("button", name="Log out")).to_be_in_viewport()
    screenshot(page, "journey-6-mobile-home")

    # Writing works as on a wide screen.
    box = page.get_by_label("What are you doing?")
    box.fill("Sitting in on the mix for reel 3 tomorrow #post")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(timeline.get_by_role("article").first).to_contain_text("Sitting in on the mix")
    expect(box).to_be_focused()
    assert no_horizontal_overflow(page)

    # The last post is not hidden behind the tab bar once scrolled to the end.
    last = timeline.get_by_role("article").last
    last.scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bar_top = nav.get_by_role("link", name="Home").bounding_box()["y"]
    box_of_last = last.bounding_box()
    assert box_of_last["y"] + box_of_last["height"] <= bar_top

    # The tab bar leads to the other pages, which fit the screen too.
    nav.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    assert no_horizontal_overflow(page)
    nav.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    assert no_horizontal_overflow(page)
    nav.get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", name="Ana Costa")).to_be_visible()
    assert no_horizontal_overflow(page)
    page.mouse.move(0, 0)
    screenshot(page, "journey-6-mobile-profile")
