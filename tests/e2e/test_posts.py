"""Posts in a real browser, beyond the journeys: on a permalink, replying, liking, reposting and
deleting happen in place; without JavaScript an over-long post is refused and kept."""

import re

import pytest
from playwright.sync_api import expect

from posts.models import Like, Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(context, client, live_server, user):
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def mark_page(page):
    """A marker that survives only as long as no page load happens."""
    page.evaluate("window.__noReload = 'still here'")


def assert_no_page_load(page):
    assert page.evaluate("window.__noReload") == "still here"


def test_reply_like_repost_and_delete_happen_in_place(page, context, client, live_server):
    me = UserFactory(display_name="Leo")
    maya = UserFactory(username="maya", display_name="Maya")
    post = PostFactory(author=maya, text="Which plate reverb do you use?")
    sign_in(context, client, live_server, me)
    page.goto(f"{live_server.url}/@maya/{post.pk}/")
    mark_page(page)
    focused = page.locator(".focused-post article")

    reply_box = page.get_by_label("Reply to Maya")
    expect(reply_box).to_have_value("@maya ")
    reply_box.press("End")
    reply_box.type("the EMT 140, of course")
    page.get_by_role("button", name="Reply", exact=True).click()
    reply = page.locator("#replies article").first
    expect(reply).to_contain_text("@maya the EMT 140, of course")
    mention = reply.locator(".post-text").get_by_role("link", name="@maya")
    expect(mention).to_have_attribute("href", "/@maya/")
    expect(page.get_by_label("Reply to Maya")).to_have_value("@maya ")

    like = focused.get_by_role("button", name=re.compile("^Like"))
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_contain_text("1")

    repost = focused.get_by_role("button", name=re.compile("^Repost"))
    repost.click()
    expect(repost).to_have_attribute("aria-pressed", "true")
    expect(repost).to_contain_text("1")
    repost.click()
    expect(repost).to_have_attribute("aria-pressed", "false")
    expect(repost).to_contain_text("0")

    reply.get_by_role("link", name=re.compile("^Reply")).click()
    inline_box = reply.get_by_label("Reply to Leo")
    expect(inline_box).to_have_value("")  # replying to yourself mentions nobody
    inline_box.fill("Adding: with the damping at 3")
    reply.get_by_role("button", name="Reply", exact=True).click()
    expect(reply.locator(".reply-slot article")).to_contain_text("Adding: with the damping at 3")

    page.once("dialog", lambda dialog: dialog.accept())
    reply.get_by_label("More actions").first.click()
    reply.locator(".post-actions").first.get_by_role("link", name="Delete").click()
    expect(page.locator("#replies article")).to_have_count(0)

    assert_no_page_load(page)
    assert Like.objects.filter(user=me, post=post).exists()
    assert not Post.objects.filter(in_reply_to=post).exists()
    assert Post.objects.filter(text="Adding: with the damping at 3").exists()
    assert not Post.objects.filter(repost_of=post).exists()


def test_over_long_post_is_kept_with_the_error(context, client, live_server):
    """The live counter disables the button, so the server's refusal is what a browser without
    JavaScript sees: the text stays in the box and the reason is beside it."""
    browser = context.browser
    no_js = browser.new_context(java_script_enabled=False)
    sign_in(no_js, client, live_server, UserFactory())
    page = no_js.new_page()
    text = "Overdubs " * 16

    page.goto(live_server.url + "/compose/")
    page.get_by_label("What are you doing?").fill(text)
    page.get_by_role("button", name="Post", exact=True).click()

    expect(page.get_by_role("alert")).to_have_text(
        "Posts can be at most 140 characters; this one has 143."
    )
    expect(page.get_by_label("What are you doing?")).to_have_value(text)
    assert Post.objects.count() == 0
    no_js.close()
