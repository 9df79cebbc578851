"""Verified links, as Mastodon has them: the website on a profile is checked (after the save,
in a task) for a rel="me" link back to the profile, and marked verified when it has one. The
check reads only public addresses, follows few redirects, gives up on slow or huge pages. A real
HTTP server on 127.0.0.1 plays the person's website (FETCH_ALLOW_LOOPBACK, tests only)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.tasks import website_verify
from core import fetch
from core.fetch import FetchRefused, fetch_page
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "http://testserver/@priya/"


class Site(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        pages = {
            "/links-back": f'<html><a rel="me noopener" href="{PROFILE}">Me elsewhere</a></html>',
            "/other-rel": f'<a rel="nofollow" href="{PROFILE}">not rel=me</a>',
            "/head-link": '<link rel="me" href="https://testserver/@priya">',
            "/someone-else": '<a rel="me" href="http://testserver/@theo/">Theo</a>',
            "/big": "x" * (1024 * 1024 + 10) + f'<a rel="me" href="{PROFILE}">late</a>',
        }
        if self.path.startswith("/hop/"):
            hops = int(self.path.split("/")[2])
            self.send_response(302)
            self.send_header("Location", f"/hop/{hops - 1}" if hops > 1 else "/links-back")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(2)
        body = pages.get(self.path, "").encode()
        self.send_response(200 if self.path in pages or self.path == "/slow" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def website():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.FETCH_ALLOW_LOOPBACK = True


@pytest.mark.parametrize(
    ("path", "verified"),
    [
        ("/links-back", True),
        ("/head-link", True),  # <link rel="me">, https and no trailing slash: the same profile
        ("/hop/3", True),  # three redirects are followed
        ("/hop/4", False),  # four are too many
        ("/other-rel", False),
        ("/someone-else", False),
        ("/big", False),  # the link lies past the first megabyte
        ("/missing", False),  # 404
    ],
)
def test_a_website_is_verified_only_when_it_links_back(website, path, verified):
    priya = UserFactory(username="priya", website=website + path)

    assert website_verify.call(priya.pk, priya.website, PROFILE) is verified
    priya.refresh_from_db()
    assert (priya.website_verified_at is not None) is verified


def test_a_slow_site_is_given_up_on(website, monkeypatch):
    monkeypatch.setattr(fetch, "FETCH_SECONDS", 0.5)
    priya = UserFactory(username="priya", website=website + "/slow")

    started = time.monotonic()
    assert website_verify.call(priya.pk, priya.website, PROFILE) is False
    assert time.monotonic() - started < 1.9


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",  # loopback, when not allowed
        "http://10.0.0.8/",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://[::1]/",
        "http://0.0.0.0/",
        "ftp://example.com/",
        "http:///nohost",
        "http://no-such-host.invalid/",
    ],
)
def test_private_and_odd_addresses_are_never_read(settings, url):
    settings.FETCH_ALLOW_LOOPBACK = False

    with pytest.raises(FetchRefused):
        fetch_page(url)


def test_saving_the_profile_checks_the_link_and_a_new_website_starts_unverified(client, website):
    priya = UserFactory(username="priya")
    client.force_login(priya)
    data = {"display_name": "Priya", "website": website + "/links-back"}

    client.post("/settings/profile/", data)
    priya.refresh_from_db()
    assert priya.website_verified_at is not None
    page = client.get("/@priya/").content.decode()
    assert 'rel="me nofollow noopener ugc"' in page
    assert "verified: the page links back to this profile" in page

    client.post("/settings/profile/", {**data, "website": website + "/someone-else"})
    priya.refresh_from_db()
    assert priya.website_verified_at is None
    assert "verified: the page links back" not in client.get("/@priya/").content.decode()
