"""Following in a browser: in place, with counts, from a visitor's click; no post offered twice."""

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.factories import PASSWORD, UserFactory, post_published


def test_follow_and_unfollow_without_reloading_and_counts_follow(page):
    UserFactory(username="ana", display_name="Ana Costa")
    UserFactory(username="bea", display_name="Bea Lindqvist")

    log_in(page, "ana")
    page.goto(page.base_url + "/@ana/following/")
    expect(page.locator("[data-following-count=ana]")).to_have_text("0")
    page.goto(page.base_url + "/people/suggested/")
    page.get_by_role("button", name="Follow Bea Lindqvist").click()
    expect(page.get_by_role("button", name="Unfollow Bea Lindqvist")).to_be_visible()

    page.goto(page.base_url + "/@bea/followers/")
    expect(page.locator("[data-followers-count=bea]")).to_have_text("1")
    expect(page.get_by_role("article", name="Ana Costa")).to_be_visible()
    page.goto(page.base_url + "/@ana/following/")
    card = page.get_by_role("article", name="Bea Lindqvist")
    card.get_by_role("button", name="Unfollow Bea Lindqvist").click()
    expect(card.get_by_role("button", name="Follow Bea Lindqvist")).to_be_visible()
    expect(page.locator("[data-following-count=ana]")).to_have_text("0")


def test_a_visitor_who_clicks_follow_logs_in_and_comes_back(page):
    UserFactory(username="ana", display_name="Ana Costa")
    UserFactory(username="bea", display_name="Bea Lindqvist", location="Oslo")

    page.goto(page.base_url + "/people/?location=oslo")
    page.get_by_role("link", name="Follow Bea Lindqvist").click()
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/people/\?location=oslo$"))
    page.get_by_role("button", name="Follow Bea Lindqvist").click()
    expect(page.get_by_role("button", name="Unfollow Bea Lindqvist")).to_be_visible()


def test_posts_already_on_the_page_are_not_offered_again_as_new(page, settings):
    settings.FEED_POLL_SECONDS = 1
    ana = UserFactory(username="ana", display_name="Ana Costa")
    post_published(ana, text="An older note")
    log_in(page, "ana")
    expect(page.locator("#timeline .post-card")).to_have_count(1)

    # A post put on top of the timeline by the page itself (as the compose box does) ...
    mine = post_published(ana, text="Just posted from this page")
    page.evaluate(
        """id => {
            const card = document.createElement("article");
            card.id = "post-" + id;
            card.className = "post-card card";
            card.textContent = "Just posted from this page";
            document.getElementById("timeline").prepend(card);
        }""",
        mine.id,
    )

    # ... is where the next check starts, so it is not counted as new.
    def the_check_after_mine(request):
        url = urlparse(request.url)
        params = parse_qs(url.query)
        # with the page's token, so that "nothing new" is answered without the session
        return (
            url.path == "/home/new/" and params.get("after") == [str(mine.id)] and "poll" in params
        )

    with page.expect_request(the_check_after_mine):
        pass
    expect(page.get_by_role("button", name=re.compile("new post"))).to_have_count(0)
