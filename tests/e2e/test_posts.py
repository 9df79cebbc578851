"""Posting in a real browser: the live counter agrees with the server on every shared case, and
posting, replying, liking, reposting and deleting happen in place, without a page load."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from posts import services
from posts.models import Like, Post
from tests.factories import PostFactory, UserFactory
from tests.posts.cases import post_length_cases

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


def test_counter_and_button_agree_with_the_server_on_every_shared_case(
    page, context, client, live_server
):
    sign_in(context, client, live_server, UserFactory())
    page.goto(live_server.url + "/")
    box = page.get_by_label("What are you doing?")
    counter = page.locator("#compose-form [data-compose-counter]")
    remaining = page.locator("#compose-form [data-compose-remaining]")
    button = page.get_by_role("button", name="Post", exact=True)

    expect(remaining).to_have_text("140")
    expect(button).to_be_disabled()
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
    expect(counter).to_have_attribute("aria-live", "polite")


def test_post_appears_at_the_top_and_the_box_clears_without_reload(
    page, context, client, live_server
):
    user = UserFactory()
    sign_in(context, client, live_server, user)
    page.goto(live_server.url + "/")
    mark_page(page)
    box = page.get_by_label("What are you doing?")

    box.fill("Tracking vocals with #Neumann mics at https://example.com/session/notes/2026")
    page.get_by_role("button", name="Post", exact=True).dblclick()

    card = page.locator("#timeline article").first
    expect(card).to_contain_text("Tracking vocals with #Neumann")
    expect(card.get_by_role("link", name="#Neumann")).to_have_attribute("href", "/tags/neumann/")
    expect(card.get_by_role("link", name="example.com/session/notes/2026")).to_have_attribute(
        "rel", "nofollow noopener ugc"
    )
    expect(page.get_by_label("What are you doing?")).to_have_value("")
    expect(page.locator("#compose-form [data-compose-remaining]")).to_have_text("140")
    expect(page.locator("#timeline article")).to_have_count(1)
    assert Post.objects.filter(author=user).count() == 1

    box = page.get_by_label("What are you doing?")
    box.fill("Second take")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#timeline article").first).to_contain_text("Second take")
    expect(page.locator("#timeline article")).to_have_count(2)
    assert_no_page_load(page)


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


def test_htmx_refusal_keeps_the_text_and_shows_the_error(context, client, live_server):
    """Forcing an over-long post past the counter: htmx swaps in the form with the error (422)."""
    sign_in(context, client, live_server, UserFactory())
    page = context.new_page()
    unexpected = []
    page.on(
        "response",
        lambda r: unexpected.append(r.url) if r.status >= 400 and r.status != 422 else None,
    )
    page.on("pageerror", lambda error: unexpected.append(str(error)))
    page.goto(live_server.url + "/")
    mark_page(page)
    text = "x" * 150

    page.get_by_label("What are you doing?").fill(text)
    page.evaluate("document.querySelector('#compose-form [data-compose-submit]').disabled = false")
    page.get_by_role("button", name="Post", exact=True).click()

    expect(page.locator("#compose-form").get_by_role("alert")).to_have_text(
        "Posts can be at most 140 characters; this one has 150."
    )
    expect(page.get_by_label("What are you doing?")).to_have_value(text)
    expect(page.locator("#compose-form [data-compose-remaining]")).to_have_text("-10")
    expect(page.get_by_role("button", name="Post", exact=True)).to_be_disabled()
    assert_no_page_load(page)
    assert unexpected == []
    assert Post.objects.count() == 0


def test_post_pages_have_no_accessibility_violations(page, context, client, live_server):
    me = UserFactory(username="leo", display_name="Leo")
    maya = UserFactory(username="maya", display_name="Maya")
    post = services.post_create(author=maya, text="Plate or spring? #reverb https://example.com/x")
    services.post_create(author=me, text="@maya plate", in_reply_to=post)
    services.repost_create(user=me, post=post)
    services.like_create(user=me, post=post)
    sign_in(context, client, live_server, me)
    axe = Axe()

    for url in ["/", f"/@maya/{post.pk}/", "/tags/reverb/", "/notifications/", "/compose/"]:
        page.goto(live_server.url + url)
        results = axe.run(page)
        assert results.response["testEngine"]["name"] == "axe-core"
        assert results.violations_count == 0, (url, results.generate_report())
