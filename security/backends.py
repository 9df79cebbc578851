"""What django-axes asks of the site: the login check that comes with a request, and which
account and address an attempt is counted against."""

import ipaddress

from axes.backends import AxesStandaloneBackend

from accounts.models import User
from core.ratelimit import client_ip
from security.services import known_browser_is


class LoginAttemptBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with a request (the login form).

    Axes refuses to authenticate without a request; a login without one (a management command,
    a test client's login()) is not an attack from the web, so it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def attempted_account(request, credentials) -> User | None:
    """The account a login attempt names (by username or email), if there is one."""
    typed = ((credentials or {}).get("username") or request.POST.get("username") or "").strip()
    if not typed or len(typed) > 254 or not typed.isprintable():
        return None
    people = User.objects.with_email(typed) if "@" in typed else User.objects.named(typed)
    return people.first()


def from_known_browser(request, credentials) -> bool:
    """Whether the attempt comes from a browser that signed in to the account it names before:
    then django-axes neither refuses nor counts it, whatever strangers did from elsewhere (or
    from the same network)."""
    user = attempted_account(request, credentials)
    return user is not None and known_browser_is(request, user)


def lockout_username(request, credentials) -> str:
    """The account a login attempt is for, whether it was typed as username or email.

    Axes counts failures per account with this, so switching between the two does not double
    the number of guesses.
    """
    typed = ((credentials or {}).get("username") or request.POST.get("username") or "").strip()
    if "@" in typed:
        user = User.objects.with_email(typed).only("username").first()
        if user is not None:
            return user.username.lower()
    return typed.lower()[:254]  # axes keeps it in a 255-character column


def lockout_ip(request) -> str | None:
    """The client's address as our rate limits see it, or None when there is no real one.

    Axes stores it in an IP address column, which PostgreSQL checks, so "unknown" (a request
    without REMOTE_ADDR, such as Django's force_login in tests) must not reach it.
    """
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
