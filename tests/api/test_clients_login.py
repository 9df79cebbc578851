"""Signing in from real clients against the live server: Mastodon.py 2.3 and the `toot` command
line client go through registration, the site's login form, the consent page (filled as a
browser would, with `requests`) and the out-of-band code."""

import os
import subprocess
import sys
from urllib.parse import urljoin

import pytest
import requests
from bs4 import BeautifulSoup
from mastodon import Mastodon
from oauth2_provider.models import AccessToken

from tests.factories import PASSWORD, UserFactory

# The live server runs in a thread beside the test: its requests must see the test's rows, and
# the rows the migrations seeded come back after the test (serialized_rollback).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCOPES = ["read", "write", "follow"]


def form_fields(page: requests.Response, *, button: str | None = None) -> tuple[str, dict]:
    """The page's main form as a browser would submit it: its action (absolute) and fields,
    with the named submit button's value when `button` is given."""
    soup = BeautifulSoup(page.text, "html.parser")
    form = soup.select_one("main form")
    fields = {
        field["name"]: field.get("value", "")
        for field in form.select("input[name]")
        if field.get("type") != "submit"
    }
    if button is not None:
        buttons = form.select("button")
        pressed = next(item for item in buttons if item.get_text(strip=True) == button)
        if pressed.get("name"):
            fields[pressed["name"]] = pressed.get("value", "")
    return urljoin(page.url, form.get("action") or page.url), fields


def code_through_the_browser(url: str, username: str) -> str:
    """Open the app's authorization URL, log in, press Authorize, and read the code shown."""
    browser = requests.Session()
    login_page = browser.get(url)
    assert "/accounts/login/" in login_page.url
    action, fields = form_fields(login_page)
    fields.update(username=username, password=PASSWORD)
    consent = browser.post(action, data=fields)
    assert consent.status_code == 200, consent.text[:500]
    assert "Authorize" in consent.text
    action, fields = form_fields(consent, button="Authorize")
    shown = browser.post(action, data=fields)
    assert shown.status_code == 200
    code = BeautifulSoup(shown.text, "html.parser").select_one("#authorization-code")
    assert code is not None, shown.text[:500]
    return code["value"]


def test_mastodon_py_signs_in_with_the_out_of_band_code(live_server):
    person = UserFactory(username="mixer")
    client_id, client_secret = Mastodon.create_app(
        "Mastodon.py test",
        scopes=SCOPES,
        website="https://mastodonpy.example",
        api_base_url=live_server.url,
    )
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=live_server.url)
    url = app.auth_request_url(
        redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes=SCOPES, allow_http=True
    )
    code = code_through_the_browser(url, person.username)

    token = app.log_in(
        code=code, redirect_uri="urn:ietf:wg:oauth:2.0:oob", scopes=SCOPES, allow_http=True
    )
    assert AccessToken.objects.get(user=person).scope == "read write follow"
    signed_in = Mastodon(access_token=token, api_base_url=live_server.url)
    verified = signed_in.app_verify_credentials()
    assert verified["name"] == "Mastodon.py test"
    assert verified["website"] == "https://mastodonpy.example"

    app.access_token = token
    app.revoke_access_token(allow_http=True)
    assert not AccessToken.objects.filter(user=person).exists()
    with pytest.raises(Exception, match="401|invalid"):
        signed_in.app_verify_credentials()


def test_toot_logs_in_and_posts(live_server, tmp_path):
    """toot 0.52 takes an http:// base URL as given (it adds https:// only to a bare domain) and
    asks for the out-of-band code on its standard input."""
    person = UserFactory(username="boom_op")
    environment = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
        "NO_COLOR": "1",
    }
    toot = [sys.executable, "-m", "toot"]
    login = subprocess.Popen(
        [*toot, "login", "--instance", live_server.url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    try:
        url = None
        seen = []
        while url is None:
            line = login.stdout.readline()
            assert line, "toot ended before showing the login URL:\n" + "".join(seen)
            seen.append(line)
            if line.startswith(live_server.url):
                url = line.strip()
        code = code_through_the_browser(url, person.username)
        output, _ = login.communicate(f"n\n{code}\n", timeout=60)
    finally:
        if login.poll() is None:
            login.kill()
    assert login.returncode == 0, "".join(seen) + output
    assert "Successfully logged in" in output

    posted = subprocess.run(
        [*toot, "post", "Printing the stems for the final mix"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert posted.returncode == 0, posted.stdout + posted.stderr
    assert person.posts.get().text == "Printing the stems for the final mix"


def test_toots_console_login_is_refused_it_needs_the_password_grant(live_server, tmp_path):
    """`toot login_cli` sends the person's password to /oauth/token (the password grant), which
    Mastodon removed in 4.4 and we never offered: it fails, and `toot login` is the way."""
    person = UserFactory(username="gaffer")
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "toot",
            "login_cli",
            "--instance",
            live_server.url,
            "--email",
            person.email,
            "--password",
            PASSWORD,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "NO_COLOR": "1"},
        timeout=60,
    )
    assert refused.returncode != 0
    assert "Login failed" in refused.stdout + refused.stderr
    assert not AccessToken.objects.exists()
