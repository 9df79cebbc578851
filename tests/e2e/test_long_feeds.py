"""Feeds and lists longer than a page: axe-core on each, before and after "Load more", in the
light and the dark colour scheme, and what "Load more" does with and without JavaScript.

A feed (role="feed") may own only its articles, so each feed's "Load more" sits after it: with
htmx it appends the next page's cards into the feed and is replaced by the next page's control
(or removed on the last page); without JavaScript it is a link to the next page.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from accounts.models import Industry
from follows.services import follow_create
from posts import services
from tests.e2e.helpers import log_in
from tests.factories import UserFactory

POSTS = 45  # three pages of 20 on the home, public, industry and tag feeds; two on Maya's profile
FANS = 25  # Leo's followers: two pages of followers, of notifications, of the directory
MUSIC = "music-production-and-engineering"


@pytest.fixture
def network(transactional_db):
    """Leo, signed in, follows Maya and Ines (music, like him), who wrote POSTS posts tagged
    #reverb between them; FANS people follow Leo, so he has as many notifications."""
    music = Industry.objects.get(slug=MUSIC)
    leo = UserFactory(username="leo", display_name="Leo Martins", industry=music)
    maya = UserFactory(username="maya", display_name="Maya Okafor", industry=music)
    ines = UserFactory(username="ines", display_name="Ines Duarte", industry=music)
    follow_create(follower=leo, followee=maya)
    follow_create(follower=leo, followee=ines)
    for n in range(POSTS):
        author = maya if n % 2 == 0 else ines
        services.post_create(author=author, text=f"Take {n}: plate or spring? #reverb")
    for n in range(FANS):
        fan = UserFactory(username=f"fan{n}", display_name=f"Fan Number {n}")
        follow_create(follower=fan, followee=leo)
    return music


def feeds(music: Industry) -> dict[str, tuple[str, str, bool]]:
    """name: (url, the feed's accessible name, whether it also loads when scrolled to)."""
    return {
        "home": ("/", "Home timeline", True),
        "public": ("/public/", "Everyone's posts", True),
        "industry": (f"/industries/{MUSIC}/", f"What's happening in {music.name}", True),
        "profile": ("/@maya/", "Posts", False),
        "tag": ("/tags/reverb/", "Posts with #reverb", False),
    }


def load_more(page, control, items, *, on_scroll: bool) -> None:
    """Load the next page once: by scrolling to the control where it loads on sight (a click
    could land on the control that replaced it), else by clicking it; then wait for item 21."""
    if on_scroll:
        control.scroll_into_view_if_needed()
    else:
        control.click()
    expect(items.nth(20)).to_be_attached()


def violations(axe, page) -> list[dict]:
    results = axe.run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    return results.response["violations"]


def describe(found: dict[str, list[dict]]) -> str:
    return "\n".join(
        f"{name}: {v['impact']} {v['id']} on {[node['target'] for node in v['nodes']]}"
        for name, found_here in found.items()
        for v in found_here
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_long_feeds_and_lists_have_no_accessibility_violations(page, network, scheme):
    page.emulate_media(color_scheme=scheme)
    axe = Axe()
    found: dict[str, list[dict]] = {}
    log_in(page, "leo")

    def check(name):
        if problems := violations(axe, page):
            found[name] = problems

    for name, (url, label, on_scroll) in feeds(network).items():
        page.goto(page.base_url + url)
        feed = page.get_by_role("feed", name=label)
        expect(feed.get_by_role("article")).to_have_count(20)
        check(name)
        load_more(
            page,
            page.get_by_role("link", name="Load more"),
            feed.get_by_role("article"),
            on_scroll=on_scroll,
        )
        check(f"{name}, after Load more")

    # Lists, not feeds: notifications ("More" is the list's last item) and lists of people.
    page.goto(page.base_url + "/notifications/")
    notes = page.locator("#notifications > .notification")
    expect(notes).to_have_count(20)
    check("notifications")
    load_more(page, page.get_by_role("link", name="More", exact=True), notes, on_scroll=False)
    check("notifications, after More")
    for name, url in {"followers": "/@leo/followers/", "directory": "/people/"}.items():
        page.goto(page.base_url + url)
        people = page.get_by_role("main").get_by_role("article")
        expect(people).to_have_count(20)
        check(name)
        load_more(page, page.get_by_role("link", name="Load more"), people, on_scroll=True)
        check(f"{name}, after Load more")

    assert not found, describe(found)


def children(feed) -> list[tuple[str, str]]:
    """(tag, id) of each element directly in the feed."""
    return feed.evaluate("feed => Array.from(feed.children, child => [child.tagName, child.id])")


def test_load_more_appends_into_the_feed_and_the_control_follows_it(page, network):
    log_in(page, "leo")
    page.goto(page.base_url + "/tags/reverb/")
    feed = page.get_by_role("feed", name="Posts with #reverb")
    cards = feed.get_by_role("article")
    control = page.get_by_role("link", name="Load more")
    expect(cards).to_have_count(20)
    expect(feed.get_by_role("link", name="Load more")).to_have_count(0)
    expect(page.locator("[role=feed] + #feed-more")).to_have_count(1)  # right after the feed
    first_page = children(feed)
    # what aria-busy goes through while the next page loads
    feed.evaluate(
        """feed => {
            window.busy = [];
            new MutationObserver(() => window.busy.push(feed.getAttribute("aria-busy")))
                .observe(feed, {attributes: true, attributeFilter: ["aria-busy"]});
        }"""
    )

    # By keyboard: the next page's cards go at the end of the feed, and focus to the first of them.
    control.focus()
    page.keyboard.press("Enter")
    expect(cards).to_have_count(40)
    expect(cards.nth(20)).to_be_focused()
    now = children(feed)
    assert now[:20] == first_page
    assert {tag for tag, _ in now} == {"ARTICLE"}
    assert len({id for _, id in now}) == 40  # no card twice
    assert page.evaluate("window.busy") == ["true", None]
    # The control was replaced by the next page's: still one, still right after the feed.
    expect(control).to_have_count(1)
    oldest = now[-1][1].removeprefix("post-")
    expect(control).to_have_attribute("href", f"/tags/reverb/?before={oldest}")
    expect(page.locator("[role=feed] + #feed-more")).to_have_count(1)

    # The last page: five more cards, and the control is gone.
    control.click()
    expect(cards).to_have_count(POSTS)
    expect(control).to_have_count(0)
    expect(page.locator("#feed-more")).to_have_count(0)
    now = children(feed)
    assert {tag for tag, _ in now} == {"ARTICLE"} and len({id for _, id in now}) == POSTS
    expect(feed.get_by_text("Take 0: plate or spring?")).to_be_attached()


def test_scrolling_loads_the_home_timeline_to_its_end(page, network):
    log_in(page, "leo")
    feed = page.get_by_role("feed", name="Home timeline")
    cards = feed.get_by_role("article")
    expect(cards).to_have_count(20)

    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    expect(cards).to_have_count(40)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    expect(cards).to_have_count(POSTS)
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    now = children(feed)
    assert {tag for tag, _ in now} == {"ARTICLE"} and len({id for _, id in now}) == POSTS


@pytest.mark.parametrize(
    "url, on_the_next_page, more", [("/public/", 20, True), ("/@maya/", 3, False)]
)
def test_without_javascript_load_more_is_a_link_to_the_next_page(
    browser, live_server, network, url, on_the_next_page, more
):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(url)
    feed = page.get_by_role("feed")
    expect(feed.get_by_role("article")).to_have_count(20)
    oldest = int(children(feed)[-1][1].removeprefix("post-"))

    page.get_by_role("link", name="Load more").click()

    expect(page).to_have_url(f"{live_server.url}{url}?before={oldest}")
    expect(feed.get_by_role("article")).to_have_count(on_the_next_page)
    assert all(int(id.removeprefix("post-")) < oldest for _, id in children(feed))
    expect(page.get_by_role("link", name="Load more")).to_have_count(1 if more else 0)
    context.close()
