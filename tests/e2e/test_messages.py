"""Messages in the browser: A writes to B from B's profile; B sees the unread count, opens the
conversation and answers; A sees the answer appear without reloading; C, a stranger, gets 404
for the conversation and for each message's permalink."""

import re

import pytest
from playwright.sync_api import expect

from conversations.models import Conversation
from posts.models import Post
from tests.e2e.helpers import log_in, screenshot
from tests.factories import UserFactory


@pytest.fixture
def other_page(browser, live_server):
    """Pages for other people, each in its own browser context, closed before the live server
    stops (an open conversation keeps polling it)."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_a_conversation_between_two_and_closed_to_a_third(page, other_page, settings):
    settings.MESSAGES_POLL_SECONDS = 1
    UserFactory(username="ana", display_name="Ana Ruiz")
    UserFactory(username="ben", display_name="Ben Okafor")
    UserFactory(username="carla", display_name="Carla Stein")

    # A writes to B from B's profile.
    log_in(page, "ana")
    page.goto(page.base_url + "/@ben/")
    page.get_by_role("link", name="Message Ben Okafor").click()
    expect(page.get_by_role("heading", name="Message Ben Okafor")).to_be_visible()
    page.get_by_role("textbox", name="Message").fill("Free for a foley session on Friday?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Ben Okafor")).to_be_visible()
    messages = page.get_by_role("list", name="Messages")
    expect(messages).to_contain_text("Free for a foley session on Friday?")
    conversation_url = page.url

    # B sees the count, opens the conversation and answers (htmx: no reload).
    ben = other_page()
    log_in(ben, "ben")
    nav_link = ben.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Messages")
    )
    expect(nav_link).to_contain_text("1")
    expect(nav_link).to_contain_text("unread")
    nav_link.click()
    ben.get_by_role("link", name="Ana Ruiz").click()
    expect(ben.get_by_role("list", name="Messages")).to_contain_text("foley session")
    ben.get_by_role("textbox", name="Message").fill("Yes! 10am at the stage?")
    ben.get_by_role("button", name="Send").click()
    expect(ben.get_by_role("list", name="Messages")).to_contain_text("Yes! 10am at the stage?")
    expect(ben.get_by_role("textbox", name="Message")).to_have_value("")
    assert ben.url == conversation_url  # the box swapped in place: no navigation
    # Read once opened: the count is gone on the next page.
    ben.goto(ben.base_url + "/messages/")
    expect(nav_link.locator(".count")).to_have_count(0)

    # A's open page shows the answer without a reload.
    page.evaluate("window.notReloaded = true")
    expect(messages).to_contain_text("Yes! 10am at the stage?")
    assert page.evaluate("window.notReloaded") is True
    expect(messages.get_by_role("listitem")).to_have_count(2)
    screenshot(page, "messages-conversation")

    # C, a stranger: 404 for the conversation and for each message.
    carla = other_page()
    log_in(carla, "carla")
    conversation = Conversation.objects.get()
    assert carla.goto(f"{carla.base_url}/messages/{conversation.pk}/").status == 404
    for post in Post.objects.all():
        response = carla.goto(f"{carla.base_url}/@{post.author.username}/{post.pk}/")
        assert response.status == 404
        expect(carla.locator("body")).not_to_contain_text(post.text)
