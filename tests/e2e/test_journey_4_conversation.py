"""Journey 4: someone replies to, likes and reposts a post from their timeline, by mouse and by
keyboard; the author then sees all three in their notifications."""

import re

from playwright.sync_api import expect

from accounts.models import Industry
from follows.services import follow_create
from posts.services import post_create
from tests.e2e.helpers import log_in, log_out, screenshot
from tests.factories import UserFactory


def test_reply_like_repost_and_the_author_is_notified(page):
    music = Industry.objects.get(slug="music-production-and-engineering")
    maya = UserFactory(username="maya", display_name="Maya Okafor", industry=music)
    leo = UserFactory(username="leo", display_name="Leo Martins", industry=music)
    follow_create(follower=leo, followee=maya)
    post = post_create(author=maya, text="Which plate reverb do you reach for on vocals? #mixing")

    log_in(page, "leo")
    card = page.get_by_role("feed", name="Home timeline").get_by_role("article").first
    expect(card).to_contain_text("Which plate reverb do you reach for on vocals?")

    # Reply: the box opens under the post, already addressed to Maya.
    card.get_by_role("link", name=re.compile("^Reply")).click()
    reply_box = card.get_by_label("Reply to Maya Okafor")
    expect(reply_box).to_have_value("@maya ")
    reply_box.press("End")
    reply_box.press_sequentially("the EMT 140, always")
    card.get_by_role("button", name="Reply", exact=True).click()
    expect(card.locator(".reply-slot article")).to_contain_text("@maya the EMT 140, always")

    # Like with the mouse: the count goes up in place and focus stays on the button.
    actions = card.locator(".post-actions").first  # the post's own, not its reply's
    like = actions.get_by_role("button", name=re.compile("^Like"))
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_contain_text("1")
    expect(like).to_be_focused()

    # Repost with the keyboard: Tab from Like goes back to Repost with Shift, Enter presses it.
    page.keyboard.press("Shift+Tab")
    repost = actions.get_by_role("button", name=re.compile("^Repost"))
    expect(repost).to_be_focused()
    page.keyboard.press("Enter")
    expect(repost).to_have_attribute("aria-pressed", "true")
    expect(repost).to_contain_text("1")
    expect(repost).to_be_focused()

    # The conversation page shows the post with its reply, counts and full date on hover.
    card.locator(".post-time").first.click()
    expect(page).to_have_url(f"{page.base_url}/@maya/{post.pk}/")
    focused = page.locator(".focused-post article")
    expect(focused.get_by_role("button", name=re.compile("^Like"))).to_contain_text("1")
    expect(focused.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(page.locator("#replies").get_by_role("article")).to_contain_text("the EMT 140, always")
    page.mouse.move(0, 0)
    screenshot(page, "journey-4-conversation")

    # Maya logs in: the badge counts four (Leo also followed her), and the page lists who did
    # what.
    log_out(page)
    log_in(page, "maya")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Notifications 4 unread")).to_be_visible()
    nav.get_by_role("link", name=re.compile("^Notifications")).click()
    notes = page.get_by_role("listitem").filter(has_text="Leo Martins")
    expect(notes).to_have_count(4)
    expect(notes.filter(has_text="followed you")).to_be_visible()
    expect(notes.filter(has_text="replied to your post")).to_contain_text("@maya the EMT 140")
    expect(notes.filter(has_text="liked your post")).to_contain_text("Which plate reverb")
    expect(notes.filter(has_text="reposted your post")).to_be_visible()
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    page.mouse.move(0, 0)
    screenshot(page, "journey-4-notifications")
    assert leo.notifications.count() == 0
