"""Two-factor authentication with an authenticator app: setup, the second step of signing in,
recovery codes, turning it off, and staff who must have it."""

import re
import time

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SiteSettings
from security.models import RecoveryCode, RecoveryCodes
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_pause_between_codes(settings):
    """django-otp refuses codes for a moment after a wrong one (test_a_wrong_code_pauses...);
    the other tests type faster than any person."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code_for(device: TOTPDevice, *, seconds_from_now: float = 0) -> str:
    """What the authenticator app shows now (or at another moment)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + seconds_from_now
    return f"{totp.token():06d}"


def sign_in(client, username="leo", password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def turn_on(client, user) -> tuple[TOTPDevice, list[str]]:
    client.post("/settings/security/confirm/", {"password": PASSWORD})
    client.post("/settings/security/totp/begin/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post("/settings/security/totp/", {"code": code_for(device)})
    assert page.status_code == 200, page.content.decode()
    codes = re.findall(r"<code>([a-z0-9-]{14})</code>", page.content.decode())
    device.refresh_from_db()
    return device, codes


@pytest.fixture
def leo_client(leo):
    client = Client()
    assert sign_in(client).status_code == 302
    return client


def test_setting_up_shows_a_qr_code_and_the_secret_and_is_on_only_after_a_right_code(
    leo, leo_client
):
    # A session alone cannot add a way in: the password first.
    refused = leo_client.post("/settings/security/totp/begin/", follow=True)
    assert "Confirm your password first." in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=leo).exists()
    leo_client.post("/settings/security/confirm/", {"password": PASSWORD})
    leo_client.post("/settings/security/totp/begin/")
    page = leo_client.get("/settings/security/totp/").content.decode()
    device = TOTPDevice.objects.get(user=leo)

    assert "<svg" in page and "QR code for your authenticator app" in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )  # drawn here: no image from another service
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert len(secret.replace(" ", "")) == 32
    assert not device.confirmed

    wrong = leo_client.post("/settings/security/totp/", {"code": "000000"})
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.get(user=leo).confirmed

    device, codes = turn_on(leo_client, leo)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    # Only keyed hashes are kept.
    stored = list(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)


def test_turning_it_on_logs_out_every_other_session(leo, leo_client):
    phone = Client()
    sign_in(phone)
    assert get_user(phone).is_authenticated

    turn_on(leo_client, leo)

    assert not get_user(phone).is_authenticated
    assert get_user(leo_client).is_authenticated


def test_signing_in_takes_the_password_then_a_code(leo, leo_client):
    device, _ = turn_on(leo_client, leo)
    browser = Client()

    first = sign_in(browser)
    assert first["Location"] == "/accounts/login/verify/"
    assert not get_user(browser).is_authenticated  # nothing is open before the second step
    assert browser.get("/notifications/").status_code == 302

    wrong = browser.post("/accounts/login/verify/", {"code": "123456"})
    assert wrong.status_code == 422 and not get_user(browser).is_authenticated

    # Setup used the current 30 seconds' code; the next one (a phone's clock a little ahead)
    # is accepted too.
    right = browser.post("/accounts/login/verify/", {"code": code_for(device, seconds_from_now=30)})
    assert right.status_code == 302 and get_user(browser).username == "leo"


def test_a_used_code_is_refused_and_so_is_one_outside_its_window(leo, leo_client):
    device, _ = turn_on(leo_client, leo)
    # The code setup took is used up.
    again_now = Client()
    sign_in(again_now)
    assert again_now.post("/accounts/login/verify/", {"code": code_for(device)}).status_code == 422
    used = code_for(device, seconds_from_now=30)
    first = Client()
    sign_in(first)
    assert first.post("/accounts/login/verify/", {"code": used}).status_code == 302

    again = Client()
    sign_in(again)
    assert again.post("/accounts/login/verify/", {"code": used}).status_code == 422
    for seconds in (-120, 120):
        outside = code_for(device, seconds_from_now=seconds)
        assert again.post("/accounts/login/verify/", {"code": outside}).status_code == 422
    assert not get_user(again).is_authenticated


def test_a_recovery_code_works_once(leo, leo_client):
    _, codes = turn_on(leo_client, leo)
    first = Client()
    sign_in(first)
    # Spaces and capitals as someone copies it from paper.
    typed = codes[0].upper().replace("-", " ")
    assert first.post("/accounts/login/verify/", {"code": typed}).status_code == 302
    assert RecoveryCodes.objects.get(user=leo).remaining == 9

    second = Client()
    sign_in(second)
    assert second.post("/accounts/login/verify/", {"code": codes[0]}).status_code == 422
    assert second.post("/accounts/login/verify/", {"code": codes[1]}).status_code == 302


def test_new_recovery_codes_take_the_password_and_void_the_old_ones(leo, leo_client):
    _, old = turn_on(leo_client, leo)

    refused = leo_client.post("/settings/security/recovery-codes/", {"password": "nope"})
    assert refused.status_code == 422
    assert "That password is not right." in refused.content.decode()
    page = leo_client.post("/settings/security/recovery-codes/", {"password": PASSWORD})
    new = re.findall(r"<code>([a-z0-9-]{14})</code>", page.content.decode())

    browser = Client()
    sign_in(browser)
    assert browser.post("/accounts/login/verify/", {"code": old[0]}).status_code == 422
    assert browser.post("/accounts/login/verify/", {"code": new[0]}).status_code == 302


def test_code_attempts_are_rate_limited(leo, leo_client, settings):
    turn_on(leo_client, leo)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "two_factor": "3/15m"}
    browser = Client()
    sign_in(browser)
    for _ in range(3):
        browser.post("/accounts/login/verify/", {"code": "999999"})

    assert browser.post("/accounts/login/verify/", {"code": "999999"}).status_code == 429


def test_turning_it_off_takes_the_password_and_a_code(leo, leo_client):
    device, codes = turn_on(leo_client, leo)

    no_code = leo_client.post("/settings/security/off/", {"password": PASSWORD, "code": "111111"})
    assert no_code.status_code == 422
    no_password = leo_client.post(
        "/settings/security/off/",
        {"password": "nope", "code": code_for(device, seconds_from_now=30)},
    )
    assert no_password.status_code == 422
    assert TOTPDevice.objects.filter(user=leo).exists()

    done = leo_client.post("/settings/security/off/", {"password": PASSWORD, "code": codes[0]})
    assert done["Location"] == "/settings/security/"
    assert not TOTPDevice.objects.filter(user=leo).exists()
    assert not RecoveryCodes.objects.filter(user=leo).exists()
    assert sign_in(Client())["Location"] == "/"  # one step again


def test_the_second_step_waits_ten_minutes_at_most(leo, leo_client):
    device, _ = turn_on(leo_client, leo)
    browser = Client()
    sign_in(browser)
    session = browser.session
    pending = session["security_login_pending"]
    session["security_login_pending"] = {**pending, "at": pending["at"] - 601}
    session.save()

    response = browser.post(
        "/accounts/login/verify/", {"code": code_for(device, seconds_from_now=30)}
    )

    assert response["Location"] == "/accounts/login/"
    assert not get_user(browser).is_authenticated


def test_the_admin_signs_in_through_the_two_steps(leo, leo_client):
    leo.is_staff = leo.is_superuser = True
    leo.save()
    device, _ = turn_on(leo_client, leo)
    browser = Client()

    to_login = browser.get("/admin/")
    assert to_login["Location"].startswith("/admin/login/")
    login_page = browser.get(to_login["Location"])
    assert login_page["Location"] == "/accounts/login/?next=/admin/"
    first = browser.post(
        "/accounts/login/", {"username": "leo", "password": PASSWORD, "next": "/admin/"}
    )
    assert first["Location"] == "/accounts/login/verify/"
    second = browser.post(
        "/accounts/login/verify/", {"code": code_for(device, seconds_from_now=30)}
    )
    assert second["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_staff_who_must_use_it_are_sent_to_set_it_up_first(leo):
    UserFactory(username="maya", password=PASSWORD)
    maya_client = Client()
    sign_in(maya_client, "maya")
    leo.is_staff = True
    leo.save()
    before = Client()
    sign_in(before)
    assert before.get("/").status_code == 200

    site = SiteSettings.load()
    site.staff_two_factor_required = True
    site.save()

    # Staff without it, signed in before, are logged out; not staff: nothing changes.
    assert not get_user(before).is_authenticated
    assert get_user(maya_client).is_authenticated
    assert maya_client.get("/").status_code == 200
    leo_client = Client()
    sign_in(leo_client)
    for path in ("/", "/admin/", "/settings/profile/", "/notifications/"):
        assert leo_client.get(path)["Location"] == "/settings/security/", path
    assert leo_client.get("/settings/security/").status_code == 200
    turn_on(leo_client, leo)

    assert leo_client.get("/").status_code == 200
    assert leo_client.get("/admin/").status_code == 200


def test_a_wrong_code_pauses_the_next_ones_for_a_moment(leo, leo_client, settings):
    device, _ = turn_on(leo_client, leo)
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    browser = Client()
    sign_in(browser)
    browser.post("/accounts/login/verify/", {"code": "000000"})

    right = browser.post("/accounts/login/verify/", {"code": code_for(device, seconds_from_now=30)})

    assert right.status_code == 422
    assert "Too many wrong codes in a row" in right.content.decode()
    assert not get_user(browser).is_authenticated


def require_of_staff(person):
    person.is_staff = True
    person.save()
    site = SiteSettings.load()
    site.staff_two_factor_required = True
    site.save()


def test_staff_sessions_that_did_not_pass_the_second_factor_must_sign_in_again(leo, leo_client):
    turn_on(leo_client, leo)
    old_session = Client()
    old_session.force_login(leo)  # a session from before, with no record and no second factor
    require_of_staff(leo)

    response = old_session.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/")
    assert not get_user(old_session).is_authenticated
    assert leo_client.get("/admin/").status_code == 200  # this one passed it


def test_staff_cannot_turn_it_off_while_the_site_requires_it(leo, leo_client):
    _, codes = turn_on(leo_client, leo)
    require_of_staff(leo)

    response = leo_client.post("/settings/security/off/", {"password": PASSWORD, "code": codes[0]})

    assert response.status_code == 422
    assert "Staff must use two-factor authentication here" in response.content.decode()
    assert TOTPDevice.objects.filter(user=leo, confirmed=True).exists()
    assert RecoveryCodes.objects.get(user=leo).remaining == 10  # the code was not used up


def test_password_confirmations_are_limited(leo, leo_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_confirm": "3/15m"}
    for _ in range(3):
        assert (
            leo_client.post("/settings/security/confirm/", {"password": "guess"}).status_code == 422
        )

    response = leo_client.post("/settings/security/confirm/", {"password": PASSWORD})

    assert response.status_code == 429
    assert "security_password_confirmed" not in leo_client.session


def test_pages_with_secrets_are_never_cached(leo, leo_client):
    leo_client.post("/settings/security/confirm/", {"password": PASSWORD})
    leo_client.post("/settings/security/totp/begin/")
    setup = leo_client.get("/settings/security/totp/")
    codes = leo_client.post(
        "/settings/security/totp/", {"code": code_for(TOTPDevice.objects.get(user=leo))}
    )

    for response in (setup, codes, leo_client.get("/settings/security/")):
        assert "no-store" in response["Cache-Control"]


def test_the_admin_shows_no_authenticator_secret(leo, leo_client):
    device, _ = turn_on(leo_client, leo)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)

    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()

    assert device.key not in page
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
