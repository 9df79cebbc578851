"""Writes about signing in: known browsers, alerts of failed logins, password resets, second
factors, signed-in sessions, and changes of the email address."""

import logging
import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice
from ua_parser import parse as ua_parse

from accounts.models import SiteSettings, User
from core.ratelimit import counted, per_address, per_person
from core.tasks import enqueue
from security import tasks
from security.models import (
    RECOVERY_CODE_COUNT,
    EmailChange,
    RecoveryCode,
    RecoveryCodes,
    SignedInSession,
    recovery_code_digest,
    recovery_code_new,
)

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
    enqueue(tasks.login_alert_send, user.pk, failures)
    return True


def login_alert_send(*, user_id: int, failures: int) -> None:
    """The email of `login_failure_note` (run by a task)."""
    user = User.objects.filter(pk=user_id).exclude(email="").first()
    if user is None:
        return
    context = {"user": user, "failures": failures, "site_name": settings.SITE_NAME}
    send_mail(
        subject=f"Someone is trying to sign in to your {settings.SITE_NAME} account",
        message=render_to_string("security/email/login_alert.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@counted("password_reset", per_address("address"))
def password_reset_request(*, email: str, address: str, domain: str, use_https: bool) -> None:
    """Queue the email of a password-reset link (`password_reset_send`) to the account with
    this address, if there is one (the page says the same either way). Counts against the
    "password_reset" rate limit of the address the request comes from. The link is built for
    `domain`, the host the request came to."""
    enqueue(tasks.password_reset_send, email, domain, use_https)


def password_reset_send(*, email: str, domain: str, use_https: bool) -> None:
    """Email the reset link (run by a task): the token is made here, when the email goes, so
    the queue never holds one."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            email_template_name="security/email/password_reset.txt",
            subject_template_name="security/email/password_reset_subject.txt",
            extra_email_context={"site_name": settings.SITE_NAME},
        )


# --- the password again, before adding a way in ------------------------------------------------

# Adding a second factor (an app, a key) needs the password typed within this long: a session
# alone (a browser left open, a stolen cookie) cannot give itself a way in that outlives a new
# password.
PASSWORD_CONFIRMED = "security_password_confirmed"
PASSWORD_CONFIRMED_FOR = timedelta(minutes=10)


def password_confirmed_mark(request) -> None:
    request.session[PASSWORD_CONFIRMED] = int(time.time())


def password_recently_confirmed(request) -> bool:
    confirmed = request.session.get(PASSWORD_CONFIRMED, 0)
    return time.time() - confirmed < PASSWORD_CONFIRMED_FOR.total_seconds()


# --- two-factor authentication ----------------------------------------------------------------


def two_factor_devices(user: User) -> list:
    """`user`'s confirmed second factors: authenticator apps, security keys and passkeys, and
    recovery codes (django-otp's devices)."""
    return list(devices_for_user(user, confirmed=True))


def two_factor_enabled(user: User) -> bool:
    """Whether signing in takes a second step: an authenticator app or a security key is set up
    (recovery codes only stand in for those)."""
    return any(not isinstance(device, RecoveryCodes) for device in two_factor_devices(user))


@transaction.atomic
def totp_setup_begin(*, user: User) -> TOTPDevice:
    """A new authenticator-app secret for `user`, not yet on: it is on once a code from the
    app proves the app has it (`totp_setup_confirm`). Any earlier unfinished setup is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_setup_confirm(*, user: User, code: str) -> list[str] | None:
    """Turn on the authenticator app `user` is setting up if `code` is the app's current code;
    returns the new recovery codes to show once, or None (a wrong code, or no setup begun)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).last()
        if device is None or not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return recovery_codes_replace(user=user)


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """Ten new recovery codes for `user`, the old ones void. Returns them: they are shown once
    and only their keyed hashes are kept."""
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_code_digest(code, user_id=user.pk))
        for code in codes
    )
    return codes


@counted("two_factor", per_person("user"))
def two_factor_verify(*, user: User, code: str):
    """The second factor that accepts `code`, or ValidationError saying why not. Six digits are
    tried on the authenticator apps, anything else on the recovery codes (a recovery code is
    then used up). A code is refused once used (the app's last accepted time step is kept) and
    outside its 30-second window and one either side. Each attempt counts against the
    "two_factor" limit; after a wrong code django-otp also refuses the next ones for a moment,
    doubling with each failure."""
    code = (code or "").strip()
    is_app_code = len(code) == 6 and code.isascii() and code.isdigit()
    kind = TOTPDevice if is_app_code else RecoveryCodes
    with transaction.atomic():
        # Locked, so two requests with the same code cannot both pass.
        devices = [
            device
            for device in devices_for_user(user, confirmed=True, for_verify=True)
            if isinstance(device, kind)
        ]
        if any(not device.verify_is_allowed()[0] for device in devices):
            raise ValidationError(
                "Too many wrong codes in a row: wait a few seconds, then try again.",
                code="throttled",
            )
        for device in devices:
            if len(code) <= 40 and device.verify_token(code):
                return device
    raise ValidationError("That code is not right, or it was used already.", code="wrong")


def key_is_last_factor(*, user: User, key) -> bool:
    """Whether removing `key` leaves `user` no second factor (recovery codes aside): two-factor
    authentication off, which takes a code as well as the password."""
    return not any(
        not isinstance(device, RecoveryCodes) and device != key
        for device in two_factor_devices(user)
    )


@transaction.atomic
def key_remove(*, user: User, key) -> None:
    """Remove one of `user`'s security keys or passkeys (the caller checked the password, and a
    code when it is the last factor). With the last second factor gone, the recovery codes go
    too: two-factor authentication is off, which staff may not do while the site requires it."""
    last = key_is_last_factor(user=user, key=key)
    if last:
        two_factor_removal_check(user)
    key.delete()
    if last:
        RecoveryCodes.objects.filter(user=user).delete()


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Remove every second factor of `user`: authenticator apps, security keys and passkeys,
    recovery codes. The caller has checked the password and a code. Refused (ValidationError)
    to staff while the site requires it of them."""
    two_factor_removal_check(user)
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def staff_two_factor_required() -> bool:
    """The site setting: staff and moderators must sign in with a second factor."""
    return SiteSettings.objects.filter(staff_two_factor_required=True).exists()


def staff_two_factor_owed(*, request) -> str | None:
    """For staff while the site requires two-factor authentication of them: "setup" when they
    have no second factor (they must set one up before anything else), "verify" when they have
    one but this session did not pass it (it began before; it must sign in again), else None.
    Asked at each request of a staff member, so no session escapes it; a query only for staff
    whose session has not passed a second factor."""
    user = request.user
    if not user.is_staff or user.is_verified() or not staff_two_factor_required():
        return None
    return "verify" if two_factor_enabled(user) else "setup"


def two_factor_removal_check(user: User) -> None:
    """Refuse (ValidationError) to take the last second factor from staff while the site
    requires them to have one."""
    if user.is_staff and staff_two_factor_required():
        raise ValidationError(
            "Staff must use two-factor authentication here: add another way first, then "
            "remove this one.",
            code="staff_required",
        )


def staff_sessions_end_without_two_factor() -> int:
    """When the site starts requiring two-factor authentication of staff: log out the staff who
    have none, so that their next login asks them to set it up. Returns how many sessions."""
    ended = 0
    store = _session_store()()
    staff = User.objects.filter(is_staff=True, signed_in_sessions__isnull=False).distinct()
    for person in staff:
        if two_factor_enabled(person):
            continue
        records = SignedInSession.objects.filter(user=person)
        for key in records.values_list("session_key", flat=True):
            store.delete(key)
            ended += 1
        records.delete()
    return ended


# --- signed-in sessions -----------------------------------------------------------------------

# How often a session's "last used" is written: a write per request would cost every page.
SEEN_EVERY = timedelta(minutes=5)
_SEEN_KEY = "security_seen"


def browser_label(user_agent: str) -> str:
    """ "Firefox on Linux", from a user agent (parsed by ua-parser); the rest of it is not kept."""
    parsed = ua_parse(user_agent[:1000])
    browser = parsed.user_agent.family if parsed.user_agent else "A browser"
    system = parsed.os.family if parsed.os else ""
    browser = "A browser" if browser in ("", "Other") else browser
    return f"{browser} on {system}"[:100] if system not in ("", "Other") else browser[:100]


def session_record(*, request, user: User) -> SignedInSession:
    """Note the session `request` just signed in with, for the list of sessions; records of
    sessions long expired are swept at the same time."""
    stale = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    SignedInSession.objects.filter(user=user, last_seen__lt=stale).delete()
    request.session[_SEEN_KEY] = int(time.time())
    if request.session.session_key is None:  # a session made without a request (tests, tools)
        request.session.save()
    record, _ = SignedInSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "browser": browser_label(request.headers.get("User-Agent", "")),
            "last_seen": timezone.now(),
        },
    )
    return record


def session_seen(*, request) -> None:
    """Note that the signed-in session of `request` is in use: at most every SEEN_EVERY."""
    now = int(time.time())
    if now - request.session.get(_SEEN_KEY, 0) < SEEN_EVERY.total_seconds():
        return
    request.session[_SEEN_KEY] = now
    SignedInSession.objects.filter(session_key=request.session.session_key).update(
        last_seen=timezone.now()
    )


def session_rekey(*, old_key: str, new_key: str) -> None:
    """The record of a session that went on under a new key (Django changes it when the
    password changes, so that the old key is worth nothing)."""
    SignedInSession.objects.filter(session_key=old_key).update(session_key=new_key)


def session_forget(*, session_key: str) -> None:
    """The record of a session that ended (a logout)."""
    SignedInSession.objects.filter(session_key=session_key).delete()


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_end(*, user: User, session_id: int) -> bool:
    """Log out one of `user`'s sessions (by its record's id): its browser is signed out at its
    next request. False if there is no such session of theirs."""
    record = SignedInSession.objects.filter(user=user, pk=session_id).first()
    if record is None:
        return False
    _session_store()().delete(record.session_key)
    record.delete()
    return True


def sessions_end_others(*, request) -> int:
    """Log out every session of the signed-in person but the one `request` comes with."""
    others = SignedInSession.objects.filter(user=request.user).exclude(
        session_key=request.session.session_key
    )
    store = _session_store()()
    keys = list(others.values_list("session_key", flat=True))
    for key in keys:
        store.delete(key)
    others.delete()
    return len(keys)


def sessions_end_all(*, user: User) -> None:
    """Log out every session of `user` (a password set from a reset link)."""
    store = _session_store()()
    records = SignedInSession.objects.filter(user=user)
    for key in records.values_list("session_key", flat=True):
        store.delete(key)
    records.delete()


# --- changing the email address -----------------------------------------------------------------

_EMAIL_CHANGE_SALT = "security.email_change"


def email_change_token(change: EmailChange) -> str:
    """The link's proof, signed: it names the request it was made for, so a newer request (or
    the change done) voids it."""
    return signing.dumps(
        [change.user_id, change.email, change.requested_at.timestamp()], salt=_EMAIL_CHANGE_SALT
    )


def email_change_pending(token: str) -> EmailChange | None:
    """The change a link's `token` confirms, if the link is genuine, the latest request of its
    person, younger than EMAIL_CHANGE_HOURS, and of an account that may sign in."""
    try:
        user_id, email, stamp = signing.loads(
            token,
            salt=_EMAIL_CHANGE_SALT,
            max_age=timedelta(hours=settings.EMAIL_CHANGE_HOURS),
        )
        change = EmailChange.objects.select_related("user").filter(user_id=int(user_id)).first()
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if change is None or change.email != email or change.requested_at.timestamp() != stamp:
        return None
    # A suspended account's address stays as the moderators found it.
    return change if change.user.is_active and not change.user.is_suspended else None


def _email_taken(email: str, *, by_other_than: User) -> ValidationError | None:
    if User.objects.with_email(email).exclude(pk=by_other_than.pk).exists():
        return ValidationError("Another account uses that address.", code="email_taken")
    return None


@counted("email_change", per_person("user"))
def email_change_request(*, user: User, email: str, site_url: str) -> EmailChange:
    """Ask to change `user`'s address to `email`: a link to confirm it goes to that address (a
    task, `email_change_link_send`; the link starts with `site_url`, the site as the request
    reached it) and the account keeps its address until the link is opened. Counts against the
    "email_change" limit: each request sends an email."""
    email = User.objects.normalize_email(email)
    if email.lower() == (user.email or "").lower():
        raise ValidationError("That is already your address.", code="same_email")
    if (taken := _email_taken(email, by_other_than=user)) is not None:
        raise taken
    change, _ = EmailChange.objects.update_or_create(
        user=user, defaults={"email": email, "requested_at": timezone.now()}
    )
    enqueue(tasks.email_change_link_send, user.pk, site_url)
    return change


def email_change_link_send(*, user_id: int, site_url: str) -> None:
    """Email the confirmation link of `user_id`'s waiting change (run by a task; nothing when
    the change was cancelled or done meanwhile). The token is made here, not queued."""
    change = EmailChange.objects.select_related("user").filter(user_id=user_id).first()
    if change is None:
        return
    path = reverse("security:email_confirm", args=[email_change_token(change)])
    context = {
        "user": change.user,
        "email": change.email,
        "link": site_url.rstrip("/") + path,
        "hours": settings.EMAIL_CHANGE_HOURS,
        "site_name": settings.SITE_NAME,
    }
    send_mail(
        subject=f"Confirm your new email address on {settings.SITE_NAME}",
        message=render_to_string("security/email/email_change_confirm.txt", context),
        from_email=None,
        recipient_list=[change.email],
    )


def email_change_cancel(*, user: User) -> None:
    EmailChange.objects.filter(user=user).delete()


def email_change_confirm(*, change: EmailChange) -> User:
    """Give the account the address its link was sent to, and tell the old address."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=change.user_id)
        old = user.email
        if (taken := _email_taken(change.email, by_other_than=user)) is not None:
            raise taken
        user.email = change.email
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
        except IntegrityError:  # taken by a sign-up in the meantime
            raise _email_taken(change.email, by_other_than=user) from None
        change.delete()
    if old:
        enqueue(tasks.email_changed_send, user.pk, old)
    return user


def email_changed_send(*, user_id: int, old: str) -> None:
    """Tell the old address the account's address changed (run by a task)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    context = {"user": user, "old": old, "new": user.email, "site_name": settings.SITE_NAME}
    send_mail(
        subject=f"Your email address on {settings.SITE_NAME} was changed",
        message=render_to_string("security/email/email_changed.txt", context),
        from_email=None,
        recipient_list=[old],
    )
