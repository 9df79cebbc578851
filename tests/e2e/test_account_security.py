"""Two-factor sign-in in a browser: an authenticator app set up from the page's own secret, and a
security key / passkey played by Chromium's virtual authenticator (the DevTools protocol's
WebAuthn domain)."""

import base64
import re
import time

from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, log_out, screenshot
from tests.factories import PASSWORD, UserFactory


def totp_code(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for `secret` (base32, as the page prints it); a step
    ahead gives a code not used yet within the same 30 seconds (the server allows one step of
    drift, and refuses a code it has already taken)."""
    key = base64.b32decode(secret.replace(" ", "").upper())
    totp = TOTP(key, step=30, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in_with_password(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def confirm_password(page) -> None:
    """On /settings/security/: adding an app or a key takes the password first."""
    form = page.locator("form", has_text="First confirm your password")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Password confirmed")).to_be_visible()


def test_turn_on_an_authenticator_app_and_sign_in_with_its_code(page, settings):
    # django-otp pauses after a wrong code (tested elsewhere); a person takes longer than that
    # to type the next one, this test does not.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    UserFactory(username="leo", display_name="Leo Brandt")
    log_in(page, "leo")
    page.goto(page.base_url + "/settings/security/")
    confirm_password(page)
    page.get_by_role("button", name="Set up an authenticator app").click()

    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    screenshot(page, "two-factor-setup")
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").locator("li")).to_have_count(10)

    log_out(page)
    sign_in_with_password(page, "leo")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.expected_statuses.add(422)
    page.get_by_label("Code").fill("000000" if totp_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    page.get_by_label("Code").fill(totp_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()


def add_virtual_authenticator(page) -> tuple:
    """A platform authenticator that keeps passkeys and verifies its user without a prompt."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return cdp, added["authenticatorId"]


def test_register_a_passkey_then_sign_in_with_it_as_second_factor_and_alone(page):
    UserFactory(username="leo", display_name="Leo Brandt")
    cdp, authenticator = add_virtual_authenticator(page)
    log_in(page, "leo")
    page.goto(page.base_url + "/settings/security/")
    confirm_password(page)
    page.get_by_role("button", name="Add a security key or passkey").click()

    # The first key turns two-factor authentication on and brings recovery codes, shown once.
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_text("Two-factor authentication is on")).to_be_visible()
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_role("link", name="Remove Passkey")).to_be_visible()
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1

    # As the second step after the password.
    log_out(page)
    sign_in_with_password(page, "leo")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.get_by_role("button", name="Use my security key").click()
    expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()

    # Alone, from the login page, with no username typed: the passkey says who it is.
    log_out(page)
    page.goto(page.base_url + "/accounts/login/?next=/%40leo/")
    screenshot(page, "login-with-passkey")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).to_have_url(re.compile(r"/@leo/$"))
    expect(page.get_by_role("heading", name="Leo Brandt")).to_be_visible()


def test_a_suspended_persons_passkey_does_not_sign_them_in(page):
    leo = UserFactory(username="leo", display_name="Leo Brandt")
    add_virtual_authenticator(page)
    log_in(page, "leo")
    page.goto(page.base_url + "/settings/security/")
    confirm_password(page)
    page.get_by_role("button", name="Add a security key or passkey").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    leo.suspended_at = timezone.now()
    leo.save(update_fields=["suspended_at"])

    log_out(page)
    page.expected_statuses.add(403)
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("status").filter(has_text="This account is suspended.")).to_be_visible()
    page.goto(page.base_url + "/settings/security/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
