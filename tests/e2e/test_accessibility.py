"""axe-core on the pages people use most, in the light and the dark colour scheme: no violations
at all (serious and critical ones included), signed out and signed in."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from accounts.models import Industry, Visibility
from conversations.services import message_start
from follows.services import follow_create
from posts import services
from tests.e2e.helpers import log_in
from tests.factories import UserFactory

SIGNED_OUT = {"landing": "/", "sign-up": "/accounts/signup/", "login": "/accounts/login/"}


def signed_in_pages(post, conversation) -> dict[str, str]:
    return {
        "messages": "/messages/",
        "conversation": f"/messages/{conversation.pk}/",
        "new conversation": "/messages/new/?to=nadia",
        "privacy settings": "/settings/privacy/",
        "follow requests": "/follow-requests/",
        "home": "/",
        "profile": "/@maya/",
        "directory": "/people/?industry=music-production-and-engineering&location=berlin",
        "directory, no results": "/people/?location=atlantis",
        "permalink": f"/@maya/{post.pk}/",
        "notifications": "/notifications/",
        "settings": "/settings/profile/",
        "security settings": "/settings/security/",
        "email settings": "/settings/email/",
        "tag": "/tags/reverb/",
        "compose": "/compose/",
        "search": "/search/",
        "search, posts found": "/search/?q=reverb+plate",
        "search, best match": "/search/?q=reverb&order=best",
        "search, people": "/search/?q=berlin&type=people",
        "search, tags": "/search/?q=re&type=tags",
        "search, nothing found": "/search/?q=atlantis",
        "search, refused": "/search/?q=" + "x" * 201,
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_accessibility_violations(page, scheme):
    music = Industry.objects.get(slug="music-production-and-engineering")
    leo = UserFactory(username="leo", display_name="Leo Martins", industry=music, location="Berlin")
    maya = UserFactory(
        username="maya",
        display_name="Maya Okafor",
        industry=music,
        location="Berlin",
        bio="Mix engineer.",
        open_to_collaborate=True,
    )
    follow_create(follower=leo, followee=maya)
    post = services.post_create(author=maya, text="Plate or spring? #reverb https://example.com/x")
    services.post_create(author=leo, text="@maya plate", in_reply_to=post)
    services.repost_create(user=leo, post=post)
    services.like_create(user=leo, post=post)
    services.post_create(author=maya, text="Stems for followers", visibility=Visibility.FOLLOWERS)
    conversation = message_start(sender=maya, recipient=leo, text="Free on Friday?")
    message_start(sender=leo, recipient=maya, text="Yes, after 10")
    UserFactory(username="nadia", display_name="Nadia Sousa")
    page.emulate_media(color_scheme=scheme)
    axe = Axe()
    found = {}

    def check(name, url):
        page.goto(page.base_url + url)
        results = axe.run(page)
        assert results.response["testEngine"]["name"] == "axe-core"
        if results.violations_count:
            found[name] = results.generate_report()

    for name, url in SIGNED_OUT.items():
        check(name, url)
    log_in(page, "leo")
    for name, url in signed_in_pages(post, conversation.message.conversation).items():
        check(name, url)
    # The post menu, open, is part of the page too.
    page.goto(page.base_url + "/")
    page.get_by_label("More actions").first.click()
    results = axe.run(page)
    if results.violations_count:
        found["home, menu open"] = results.generate_report()

    assert not found, "\n\n".join(f"{name}:\n{report}" for name, report in found.items())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_empty_feeds_have_no_accessibility_violations(page, scheme):
    """An empty feed is a plain box (axe fails a feed without articles); the home timeline
    becomes a feed with the first post written into it, and a plain box again once it is gone."""
    UserFactory(username="nadia", industry=Industry.objects.get(slug="audio-and-sound-design"))
    page.emulate_media(color_scheme=scheme)
    axe = Axe()
    found = {}

    def check(name):
        results = axe.run(page)
        if results.violations_count:
            found[name] = results.generate_report()

    log_in(page, "nadia")
    for name, url in {
        "public": "/public/",
        "profile": "/@nadia/",
        "tag": "/tags/nothing/",
        "industry": "/industries/audio-and-sound-design/",
        "home": "/",
    }.items():
        page.goto(page.base_url + url)
        expect(page.get_by_role("feed")).to_have_count(0)
        check(f"{name}, empty")

    page.get_by_label("What are you doing?").fill("First take of the day")
    page.get_by_role("button", name="Post", exact=True).click()
    card = page.get_by_role("feed", name="Home timeline").get_by_role("article")
    expect(card).to_have_count(1)
    check("home, first post")

    card.get_by_label("More actions").click()
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("link", name="Delete").click()
    expect(page.get_by_text("First take of the day")).to_have_count(0)
    expect(page.get_by_role("feed")).to_have_count(0)
    check("home, post deleted")

    assert not found, "\n\n".join(f"{name}:\n{report}" for name, report in found.items())
