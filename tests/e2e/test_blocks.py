"""Muting and blocking from profiles, and undoing it from the settings page, in a browser."""

from playwright.sync_api import expect

from follows.models import Follow
from follows.services import follow_create
from tests.e2e.helpers import log_in
from tests.factories import UserFactory, post_published


def test_mute_hides_posts_block_removes_the_follow_and_settings_undo_them(page):
    ana = UserFactory(username="ana", display_name="Ana Costa")
    bea = UserFactory(username="bea", display_name="Bea Lindqvist")
    cid = UserFactory(username="cid", display_name="Cid Moreau")
    follow_create(follower=ana, followee=bea)
    follow_create(follower=cid, followee=ana)
    post_published(bea, text="Bea's endless stem exports")
    post_published(ana, text="Ana's own mix notes")

    log_in(page, "ana")
    timeline = page.locator("#timeline")
    expect(timeline.get_by_text("Bea's endless stem exports")).to_be_visible()

    # Mute Bea from her profile: the button turns into Unmute in place.
    page.goto(page.base_url + "/@bea/")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("More actions for Bea Lindqvist").click()  # the profile's ••• menu
    page.get_by_role("button", name="Mute Bea Lindqvist").click()
    expect(page.get_by_role("button", name="Unmute Bea Lindqvist")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page.get_by_role("button", name="Unfollow Bea Lindqvist")).to_be_visible()

    page.goto(page.base_url + "/")
    expect(timeline.get_by_text("Ana's own mix notes")).to_be_visible()
    expect(timeline.get_by_text("Bea's endless stem exports")).to_have_count(0)

    # Block Cid, confirming the browser's dialog: Cid's follow of Ana is gone.
    assert Follow.objects.filter(follower=cid, followee=ana).exists()
    page.goto(page.base_url + "/@cid/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label("More actions for Cid Moreau").click()
    page.get_by_role("button", name="Block Cid Moreau").click()
    expect(page.get_by_role("button", name="Unblock Cid Moreau")).to_be_visible()
    expect(page.get_by_role("button", name="Follow Cid Moreau")).to_have_count(0)
    assert not Follow.objects.filter(follower=cid, followee=ana).exists()
    page.goto(page.base_url + "/@ana/followers/")
    expect(page.get_by_role("article", name="Cid Moreau")).to_have_count(0)

    # The settings page lists both and undoes them in place.
    page.goto(page.base_url + "/settings/")
    page.get_by_role("navigation", name="Settings").get_by_role(
        "link", name="Blocked and muted"
    ).click()
    page.get_by_role("button", name="Unblock Cid Moreau").click()
    expect(page.get_by_text("You aren't blocking anyone.")).to_be_visible()
    page.get_by_role("button", name="Unmute Bea Lindqvist").click()
    expect(page.get_by_text("You aren't muting anyone.")).to_be_visible()

    page.goto(page.base_url + "/")
    expect(timeline.get_by_text("Bea's endless stem exports")).to_be_visible()
