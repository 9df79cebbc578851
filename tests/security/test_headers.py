"""Security headers on every page type, and HTML that the CSP lets run without exceptions.

The CSP (Django 6's ContentSecurityPolicyMiddleware, settings.SECURE_CSP) allows our own scripts
and nonced ones only. A template that writes an inline <script>, an on*= handler, hx-on or a
style= attribute would be blocked in the browser; the parser below finds them in every page type
before a person does. Production settings (HSTS, secure cookies, HTTPS redirect) are read from a
subprocess started with DEBUG off, as a deployment starts.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from accounts import avatars
from posts.models import Notification
from tests.accounts.images import image_upload
from tests.factories import PASSWORD, IndustryFactory, UserFactory, post_published

ROOT = Path(__file__).resolve().parents[2]


class InlineCode(HTMLParser):
    """Collects what the CSP would block: inline scripts and styles, handler attributes."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        # JSON data in a <script type="application/json"> (json_script) is never run.
        is_data = names.get("type") == "application/json"
        if tag == "script" and not names.get("src") and not is_data:
            self.problems.append("an inline <script> without src")
        if tag == "style":
            self.problems.append("an inline <style> element")
        for name in names:
            bare = name.removeprefix("data-")
            if bare.startswith("on"):
                self.problems.append(f"an event handler attribute {name}= on <{tag}>")
            if bare.startswith("hx-on"):
                self.problems.append(f"an {name} attribute on <{tag}>")
            if name == "style":
                self.problems.append(f"a style= attribute on <{tag}>")

    handle_startendtag = handle_starttag


def inline_code(content: str) -> list[str]:
    parser = InlineCode()
    parser.feed(content)
    parser.close()
    return parser.problems


@pytest.fixture
def site(db):
    industry = IndustryFactory(name="Post-production", slug="post-production")
    maya = UserFactory(username="maya", industry=industry, location="Lyon")
    large, small = avatars.avatar_images(image_upload("PNG"))
    maya.avatar, maya.avatar_thumbnail = avatars.avatar_files_save(avatar=large, thumbnail=small)
    maya.save()
    post = post_published(maya, "Conforming the #edit tonight")
    viewer = UserFactory(username="viewer")
    Notification.objects.create(recipient=viewer, actor=maya, kind="follow")
    return {"maya": maya, "post": post, "viewer": viewer}


def page_types(site) -> dict[str, tuple[str, bool, int]]:
    """name: (url, signed in, expected status)."""
    maya, post = site["maya"], site["post"]
    return {
        "landing": ("/", False, 200),
        "signup": (reverse("accounts:signup"), False, 200),
        "login": (reverse("security:login"), False, 200),
        "home": ("/", True, 200),
        "profile": (reverse("accounts:profile", args=["maya"]), False, 200),
        "permalink": (reverse("posts:detail", args=["maya", post.pk]), False, 200),
        "tag": (reverse("posts:tag", args=["edit"]), False, 200),
        "notifications": (reverse("posts:notifications"), True, 200),
        "people": (reverse("follows:people"), False, 200),
        "industries": (reverse("follows:industries"), False, 200),
        "industry": (reverse("follows:industry", args=["post-production"]), False, 200),
        "public": (reverse("follows:public"), False, 200),
        "compose": (reverse("posts:create"), True, 200),
        "settings profile": (reverse("accounts:settings_profile"), True, 200),
        "settings password": (reverse("security:password_change"), True, 200),
        "settings data": (reverse("accounts:data"), True, 200),
        "password reset": (reverse("security:password_reset"), False, 200),
        "report": (reverse("moderation:report_post", args=[post.pk]), True, 200),
        "settings security": (reverse("security:settings"), True, 200),
        "404": ("/no-such-page/", False, 404),
        "media": (f"/media/{maya.avatar.name}", False, 200),
        "healthz": ("/healthz", False, 200),
    }


def check_headers(response, name: str) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    if not csp:
        problems.append("no Content-Security-Policy")
    elif name == "media":
        # Uploads get a policy of their own: nothing may run, even if opened directly.
        if "default-src 'none'" not in csp or "sandbox" not in csp:
            problems.append(f"media CSP is not locked down: {csp}")
    elif "script-src 'self'" not in csp:
        problems.append(f"script-src is not 'self': {csp}")
    elif response.get("Content-Type", "").startswith("text/html") and not re.search(
        r"script-src 'self' 'nonce-[A-Za-z0-9_\-+/=]+'", csp
    ):
        # Django adds the nonce to pages that use it; every HTML page does (base.html).
        problems.append(f"script-src has no nonce: {csp}")
    if "'unsafe-inline'" in csp or "'unsafe-eval'" in csp:
        problems.append(f"the CSP allows unsafe code: {csp}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {response.get('X-Frame-Options')!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not response.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    return problems


def test_every_page_type_sends_the_security_headers_and_no_inline_code(client, site):
    failures = {}
    for name, (url, signed_in, status) in page_types(site).items():
        client.logout()
        if signed_in:
            client.force_login(site["viewer"])
        response = client.get(url)
        problems = []
        if response.status_code != status:
            problems.append(f"answered {response.status_code}, expected {status}")
        problems += check_headers(response, name)
        if response.get("Content-Type", "").startswith("text/html"):
            problems += inline_code(response.content.decode())
        if problems:
            failures[f"{name} ({url})"] = problems
    assert not failures, json.dumps(failures, indent=2)


def test_htmx_fragments_carry_no_inline_code_either(client, site):
    client.force_login(site["viewer"])
    htmx = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}
    fragments = [
        reverse("follows:people") + "?q=maya",
        reverse("posts:reply", args=[site["post"].pk]),
        reverse("posts:unread_count"),
        reverse("follows:public") + "?before=999999",
    ]
    for url in fragments:
        response = client.get(url, headers=htmx)
        assert response.status_code == 200, url
        assert "<html" not in response.content.decode()
        assert inline_code(response.content.decode()) == [], url
    liked = client.post(
        reverse("posts:like", args=[site["post"].pk]), {"state": "on"}, headers=htmx
    )
    assert inline_code(liked.content.decode()) == []


def test_the_429_page_has_the_headers_and_no_inline_code(client, site, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "1/1h"}
    client.post(reverse("security:login"), {"username": "maya", "password": "wrong"})

    response = client.post(reverse("security:login"), {"username": "maya", "password": "wrong"})

    assert response.status_code == 429
    assert check_headers(response, "429") == []
    assert inline_code(response.content.decode()) == []
    assert "try again" in response.content.decode().lower()


def test_the_503_page_has_no_inline_code():
    from django.template import loader

    for template in ("503.html", "500.html"):
        assert inline_code(loader.get_template(template).render()) == [], template


def test_the_parser_finds_what_the_csp_would_block():
    page = (
        '<script>alert(1)</script><img src=x onerror="alert(1)">'
        '<button hx-on:click="x()">b</button><p style="color:red">s</p><style>p{}</style>'
        '<div data-hx-on-click="y()"></div><script src="/static/ok.js"></script>'
    )
    assert len(inline_code(page)) == 6


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from accounts.models import User
# Plain static names: the hashed ones need a collectstatic run, which is not what is tested here.
override_settings(
    STORAGES={{**settings.STORAGES, "staticfiles": {{
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}}}
).enable()
call_command("migrate", verbosity=0)
User.objects.create_user("probe", "probe@example.com", {password!r})
client = Client()
plain = client.get("/people/")
healthz = client.get("/healthz")
secure = client.get("/accounts/login/", secure=True)
login = client.post("/accounts/login/", {{"username": "probe", "password": {password!r}}},
                    secure=True)
cookie = lambda response, name: dict(response.cookies[name]) if name in response.cookies else None
print(json.dumps({{
    "debug": settings.DEBUG,
    "http_status": plain.status_code,
    "http_location": plain.get("Location"),
    "healthz_status": healthz.status_code,
    "hsts": secure.get("Strict-Transport-Security"),
    "csrf_cookie": cookie(secure, "csrftoken"),
    "login_status": login.status_code,
    "session_cookie": cookie(login, "sessionid"),
}}))
"""


def test_production_settings_force_https_and_secure_cookies(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="microblog.settings",
        DATA_DIR=str(tmp_path),
        LOG_LEVEL="ERROR",
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE.format(password=PASSWORD)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found["debug"] is False
    assert found["http_status"] == 301
    assert found["http_location"] == "https://testserver/people/"
    assert found["healthz_status"] == 200  # health checks speak plain HTTP inside the container
    assert "max-age=31536000" in found["hsts"]
    assert "includeSubDomains" in found["hsts"]
    assert found["csrf_cookie"]["secure"] is True
    assert found["login_status"] == 302
    assert found["session_cookie"]["secure"] is True
    assert found["session_cookie"]["httponly"] is True
