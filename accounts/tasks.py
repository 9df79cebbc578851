"""The accounts app's work after the response (django.tasks; see core.tasks)."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone

from accounts.models import User
from core.fetch import FetchRefused, fetch_page


@task
def approval_email_send(user_id: int) -> None:
    """Tell a person a moderator let their account in. A failed send raises, and the worker
    tries again later (core.tasks)."""
    user = User.objects.filter(pk=user_id).exclude(email="").first()
    if user is None:
        return
    send_mail(
        subject=f"Your {settings.SITE_NAME} account is approved",
        message=(
            f"Hello {user.username},\n\nA moderator approved your account. "
            "You can log in and start posting now.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@task
def website_verify(user_id: int, website: str, profile_url: str) -> bool:
    """Whether `website` (still the person's) links back to `profile_url` with rel="me", as
    Mastodon verifies links; the answer is stored on the person (website_verified_at). A site
    that cannot be read counts as not linking back: nothing is retried."""
    try:
        _, page = fetch_page(website)
        verified = _same_page(profile_url, _rel_me_links(page))
    except (FetchRefused, OSError, ValueError, urllib3.exceptions.HTTPError):
        verified = False
    User.objects.filter(pk=user_id, website=website).update(
        website_verified_at=timezone.now() if verified else None
    )
    return verified


class _RelMe(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("a", "link"):
            return
        found = dict(attrs)
        if "me" in (found.get("rel") or "").lower().split() and found.get("href"):
            self.links.append(found["href"])


def _rel_me_links(page: str) -> list[str]:
    parser = _RelMe()
    parser.feed(page)
    return parser.links


def _same_page(profile_url: str, links: list[str]) -> bool:
    """Whether any link is the profile: the same host and path, whatever the scheme or a
    trailing slash."""
    want = urlsplit(profile_url)
    for link in links:
        got = urlsplit(link.strip())
        if got.hostname == want.hostname and got.path.rstrip("/") == want.path.rstrip("/"):
            return True
    return False
