"""Signing in to an app as a person sees it: the consent page (Authorize, Deny), the code to copy
for an app without a web address, and taking an app's access back on the settings page; axe on
each page in the light and the dark colour scheme."""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from oauth2_provider.models import AccessToken
from playwright.sync_api import expect

from api.oauth import OOB, client_app_create
from tests.e2e.helpers import log_in
from tests.factories import UserFactory

SCOPES = ["read", "write", "follow"]


def authorize_path(application, redirect_uri: str, **extra) -> str:
    query = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": redirect_uri,
        "scope": "read write",
        **extra,
    }
    return "/oauth/authorize?" + urlencode(query)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_authorize_deny_and_revoke_an_app(page, live_server, scheme):
    maya = UserFactory(username="maya", display_name="Maya Berg")
    # Another host than the live server's: the consent form's answer leaves the site, as it does
    # for a real app, which the page's Content-Security-Policy (form-action) must allow.
    port = urlsplit(live_server.url).port
    callback = f"http://127.0.0.1:{port}/app-callback"
    application, secret = client_app_create(
        name="Sound Desk",
        redirect_uris=[callback, OOB],
        scopes=SCOPES,
        website="https://sounddesk.example",
    )
    # The "app" is the live server under its other name: it has no such page (404), but the
    # browser got there with the code.
    page.expected_statuses.add(404)
    page.emulate_media(color_scheme=scheme)
    axe = Axe()
    found = {}

    def check(name):
        results = axe.run(page)
        if results.violations_count:
            found[name] = results.generate_report()

    log_in(page, "maya")
    page.goto(page.base_url + authorize_path(application, callback, state="s1"))
    expect(page.get_by_role("heading", name="Authorize Sound Desk?")).to_be_visible()
    expect(page.get_by_text("Read everything your account can see")).to_be_visible()
    expect(page.get_by_text("Post, like, repost, follow and change your profile")).to_be_visible()
    expect(page.get_by_role("link", name="https://sounddesk.example")).to_be_visible()
    check("consent page")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r".*/app-callback\?.*"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["state"] == ["s1"] and query["code"][0]

    page.goto(page.base_url + authorize_path(application, OOB))
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("heading", name="Not authorized")).to_be_visible()
    check("denied")

    page.goto(page.base_url + authorize_path(application, OOB))
    page.get_by_role("button", name="Authorize").click()
    code = page.get_by_label("Authorization code")
    assert len(code.input_value()) > 20
    check("code to copy")

    # The app exchanges the code it was given, as toot or Mastodon.py would.
    answer = requests.post(
        live_server.url + "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": application.client_id,
            "client_secret": secret,
            "redirect_uri": OOB,
            "code": code.input_value(),
        },
    )
    assert answer.status_code == 200
    assert AccessToken.objects.get().user == maya

    page.goto(page.base_url + "/settings/apps/")
    expect(page.get_by_text("Sound Desk").first).to_be_visible()
    check("apps settings")
    page.get_by_role("button", name="Revoke Sound Desk").click()
    expect(page.get_by_text("You haven't authorized any apps.")).to_be_visible()
    assert not AccessToken.objects.exists()
    check("apps settings, empty")

    assert not found, "\n\n".join(f"{name}:\n{report}" for name, report in found.items())
