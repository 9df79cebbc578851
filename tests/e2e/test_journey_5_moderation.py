"""Journey 5: a follower reports a post from their timeline; a moderator removes it in the panel;
it is gone for followers, and the audit log shows who removed it and why."""

import re
from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from follows.services import follow_create
from moderation.models import AuditLogEntry, Report
from posts.models import Post
from posts.services import post_create
from tests.e2e.helpers import log_in, log_out, screenshot
from tests.factories import UserFactory

# Browser tests flush the database after each test, which takes the Moderators group (made by a
# data migration) with it; the migration's own function makes it again.
create_moderators_group = import_module("moderation.migrations.0002_moderators_group").create_group


def test_a_reported_post_is_removed_by_a_moderator_and_logged(page):
    create_moderators_group(apps, None)
    maya = UserFactory(username="maya", display_name="Maya Okafor")
    jonas = UserFactory(username="jonas", display_name="Jonas Weber")
    follow_create(follower=jonas, followee=maya)
    post = post_create(author=maya, text="Buy followers cheap at spam.example #deals")
    moderator = UserFactory(username="mod_ria", display_name="Ria", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))

    # Jonas sees the post on his timeline and reports it from the card's menu; the form opens
    # under the post and answers in place.
    log_in(page, "jonas")
    card = page.get_by_role("feed", name="Home timeline").get_by_role("article").first
    expect(card).to_contain_text("Buy followers cheap")
    card.get_by_label("More actions").click()
    card.get_by_role("link", name="Report").click()
    expect(card.get_by_label("More actions")).to_be_visible()
    card.get_by_label("Spam").check()
    card.get_by_label("Comment").fill("Link farm, posted every hour")
    page.mouse.move(0, 0)
    screenshot(page, "journey-5-report", full_page=True)
    card.get_by_role("button", name="Send report").click()
    expect(card.get_by_role("status")).to_have_text("Thanks — a moderator will look at this.")
    assert Report.objects.get().comment == "Link farm, posted every hour"

    # The moderator finds it on the dashboard, opens it and removes the post with a reason.
    log_out(page)
    log_in(page, "mod_ria", admin=True)
    dashboard = page.get_by_role("table", name="Moderation at a glance")
    expect(dashboard.get_by_role("row", name="Open reports 1")).to_be_visible()
    page.get_by_role("link", name="Open reports").click()
    page.get_by_role("link", name="@maya: Buy followers cheap at spam.example #deals").click()
    expect(page.get_by_text("Link farm, posted every hour")).to_be_visible()

    page.get_by_role("button", name="Remove post").click()
    expect(page.get_by_role("heading", name="Remove reported posts")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()  # no reason yet
    expect(page.get_by_text("Give a reason; it goes into the audit log.")).to_be_visible()
    page.get_by_label("Reason").fill("Spam links")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text("Removed 1 post(s) and resolved their reports.")).to_be_visible()
    assert not Post.objects.visible().filter(pk=post.pk).exists()
    assert Report.objects.get().status == Report.Status.RESOLVED

    # The audit log says who did what to which post, and why.
    page.get_by_role("link", name="Audit log").first.click()
    row = page.get_by_role("row", name=re.compile("mod_ria"))
    expect(row).to_contain_text("Post removed")
    expect(row).to_contain_text("@maya: Buy followers cheap at spam.example #deals")
    expect(row).to_contain_text("Spam links")
    assert AuditLogEntry.objects.get().reason == "Spam links"
    page.mouse.move(0, 0)
    screenshot(page, "journey-5-audit-log")

    # The post is gone from Jonas's home timeline and from its hashtag's page.
    log_out(page)
    log_in(page, "jonas")
    # the timeline is there, empty: an empty feed is a plain box, a feed once it has a post
    expect(page.locator("#timeline")).to_be_attached()
    expect(page.get_by_role("feed", name="Home timeline")).to_have_count(0)
    expect(page.get_by_text("Buy followers cheap")).to_have_count(0)
    page.goto(page.base_url + "/tags/deals/")
    expect(page.get_by_text("No posts with #deals yet.")).to_be_visible()
    expect(page.get_by_text("Buy followers cheap")).to_have_count(0)
