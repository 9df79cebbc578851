"""Writes about signing in: known browsers, alerts of failed logins, password resets."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User
from core.ratelimit import counted, per_address

logger = logging.getLogger(__name__)

KNOWN_BROWSER_COOKIE = "known_browser"
_KNOWN_BROWSER_SALT = "security.known_browser"


def _known_browser_value(user: User) -> str:
    # Tied to the password: a new password (after a theft, say) forgets every known browser.
    proof = salted_hmac(_KNOWN_BROWSER_SALT, user.password, algorithm="sha256").hexdigest()
    return f"{user.pk}:{proof[:32]}"


def known_browser_remember(response, user: User) -> None:
    """Mark the browser `response` goes to as one that signed in to `user`'s account: a signed
    cookie, for KNOWN_BROWSER_DAYS, that failed logins by others never lock out."""
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        _known_browser_value(user),
        salt=_KNOWN_BROWSER_SALT,
        max_age=int(timedelta(days=settings.KNOWN_BROWSER_DAYS).total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def known_browser_is(request, user: User) -> bool:
    """Whether `request` comes from a browser that signed in to `user`'s account before."""
    value = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        default=None,
        salt=_KNOWN_BROWSER_SALT,
        max_age=timedelta(days=settings.KNOWN_BROWSER_DAYS),
    )
    return value is not None and constant_time_compare(value, _known_browser_value(user))


def login_failure_note(*, user: User) -> bool:
    """Count a failed login for `user`'s account (from anywhere but a browser of theirs); when
    LOGIN_ALERT_FAILURES are reached within a day, email the owner, at most once a day.
    Returns whether an email went. Counted in the cache, which every worker shares."""
    failures_key, alert_key = f"login-failures:{user.pk}", f"login-alert:{user.pk}"
    day = int(timedelta(days=1).total_seconds())
    cache.add(failures_key, 0, timeout=day)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # the day ended between add() and incr()
        cache.add(failures_key, 1, timeout=day)
        failures = 1
    if failures < settings.LOGIN_ALERT_FAILURES or not user.email:
        return False
    if not cache.add(alert_key, 1, timeout=day):
        return False
    try:
        send_mail(
            subject=f"Someone is trying to sign in to your {settings.SITE_NAME} account",
            message=render_to_string(
                "security/email/login_alert.txt",
                {"user": user, "failures": failures, "site_name": settings.SITE_NAME},
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        logger.exception("login alert email to user %s failed", user.pk)
        return False
    return True


@counted("password_reset", per_address("address"))
def password_reset_request(*, email: str, address: str, request=None, use_https=False) -> None:
    """Email a password-reset link to the account with this address, if there is one (the page
    says the same either way). Counts against the "password_reset" rate limit of the address the
    request comes from. The link is built for the site `request` came to."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=use_https,
            email_template_name="security/email/password_reset.txt",
            subject_template_name="security/email/password_reset_subject.txt",
        )
