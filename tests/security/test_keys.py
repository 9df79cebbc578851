"""Security keys and passkeys, the server's side, with a software authenticator
(tests/security/authenticator.py) answering real challenges: adding a key (after the password),
the second step and the passkey sign-in, their refusals, listing and removing keys. Chromium's
virtual authenticator runs the same ceremonies through the pages
(tests/e2e/test_account_security.py)."""

import json
import re

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import SiteSettings
from security import services
from security.models import RecoveryCodes
from tests.factories import PASSWORD, UserFactory
from tests.security.authenticator import Authenticator

pytestmark = pytest.mark.django_db

JSON = "application/json"


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type=JSON)


def confirm_password(client):
    response = client.post("/settings/security/confirm/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def register(client, authenticator) -> dict:
    """Add a key through the endpoints the settings page's script calls; returns the answer."""
    options = post_json(client, "/webauthn/registration/begin/").json()
    return post_json(client, "/webauthn/registration/complete/", authenticator.register(options))


def sign_in_with_key(client, authenticator, credential=None):
    options = post_json(client, "/webauthn/authentication/begin/").json()
    answer = authenticator.sign_in(options, credential)
    return post_json(client, "/webauthn/authentication/complete/", answer)


def password_step(client, username="leo"):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.url == "/accounts/login/verify/"


@pytest.fixture
def leo_key(leo, leo_client):
    """Leo's passkey, added through the settings page's endpoints."""
    authenticator = Authenticator()
    confirm_password(leo_client)
    assert register(leo_client, authenticator).status_code == 200
    return authenticator


def test_adding_a_key_takes_the_password_first(leo, leo_client):
    refused = post_json(leo_client, "/webauthn/registration/begin/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Confirm your password on this page first, then add the key."
    page = leo_client.get("/settings/security/").content.decode()
    assert "First confirm your password" in page
    assert 'id="otp_webauthn_config"' not in page  # no key button yet

    wrong = leo_client.post("/settings/security/confirm/", {"password": "no"})
    assert wrong.status_code == 422
    assert "That password is not right." in wrong.content.decode()
    confirm_password(leo_client)

    page = leo_client.get("/settings/security/").content.decode()
    assert 'id="otp_webauthn_config"' in page
    assert "Set up an authenticator app" in page
    assert register(leo_client, Authenticator()).status_code == 200


def test_the_first_key_turns_two_factor_on_with_recovery_codes_and_ends_other_sessions(
    leo, leo_client
):
    elsewhere = Client()
    elsewhere.force_login(leo)
    confirm_password(leo_client)

    assert register(leo_client, Authenticator()).json()["id"]

    key = WebAuthnCredential.objects.get(user=leo)
    assert key.name == "Passkey"
    assert services.two_factor_enabled(leo)
    page = leo_client.get("/settings/security/").content.decode()
    assert "Your recovery codes" in page
    assert len(re.findall(r"<li><code>[a-z0-9-]{14}</code></li>", page)) == 10
    assert "Your recovery codes" not in leo_client.get("/settings/security/").content.decode()
    assert not get_user(elsewhere).is_authenticated


def test_the_second_step_with_the_key(leo, leo_key):
    browser = Client()
    password_step(browser)
    page = browser.get("/accounts/login/verify/").content.decode()
    assert "Use my security key" in page

    done = sign_in_with_key(browser, leo_key)

    assert done.status_code == 200
    assert done.json()["redirect_url"] == "/"
    assert get_user(browser) == leo
    assert browser.session["otp_device_id"]  # django-otp: this session passed a second factor


def test_a_passkey_signs_in_alone_and_goes_where_the_login_was_going(leo, leo_key):
    browser = Client()
    options = post_json(browser, "/webauthn/authentication/begin/").json()
    assert options["userVerification"] == "required"  # no password: the key checks its user

    done = post_json(
        browser, "/webauthn/authentication/complete/?next=/%40leo/", leo_key.sign_in(options)
    )

    assert done.json()["redirect_url"] == "/@leo/"
    assert get_user(browser) == leo


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_a_passkey_sign_in_never_sends_off_site(leo, leo_key, next_url):
    browser = Client()
    options = post_json(browser, "/webauthn/authentication/begin/").json()

    done = post_json(
        browser, f"/webauthn/authentication/complete/?next={next_url}", leo_key.sign_in(options)
    )

    assert done.json()["redirect_url"] == "/"


def test_a_passkey_without_its_users_check_does_not_sign_in_alone(leo, leo_key):
    leo_key.verifies_user = False  # a stolen key: touched, no PIN
    browser = Client()

    refused = sign_in_with_key(browser, leo_key)

    assert refused.status_code >= 400
    assert not get_user(browser).is_authenticated


def test_another_accounts_key_does_not_pass_the_second_step(leo, leo_key):
    ana = UserFactory(username="ana")
    ana_client = Client()
    ana_client.force_login(ana)
    ana_key = Authenticator()
    confirm_password(ana_client)
    register(ana_client, ana_key)
    browser = Client()
    password_step(browser)  # leo's password

    options = post_json(browser, "/webauthn/authentication/begin/").json()
    refused = post_json(
        browser,
        "/webauthn/authentication/complete/",
        ana_key.sign_in(options, ana_key.credentials[0]),
    )

    assert refused.status_code == 403
    assert not get_user(browser).is_authenticated


def test_a_second_step_left_to_expire_cannot_end_as_someone_elses_passkey(leo, leo_key):
    """Begun as the second step for one account (so the key's own check of its user is not
    asked), the sign-in may not end, once that step has expired, as a passkey sign-in to
    another account with a key that skipped that check."""
    maya = UserFactory(username="maya")
    maya_client = Client()
    maya_client.force_login(maya)
    maya_key = Authenticator(verifies_user=False)
    confirm_password(maya_client)
    register(maya_client, maya_key)
    browser = Client()
    password_step(browser)  # leo's own password: leo begins a second step
    options = post_json(browser, "/webauthn/authentication/begin/").json()
    session = browser.session
    session["security_login_pending"]["at"] -= 3600  # the step expires
    session.save()

    refused = post_json(
        browser,
        "/webauthn/authentication/complete/",
        maya_key.sign_in(options, maya_key.credentials[0]),
    )

    assert refused.status_code == 400
    assert "Start again from the login page" in refused.json()["detail"]
    assert not get_user(browser).is_authenticated


def test_a_suspended_persons_passkey_is_refused(leo, leo_key):
    leo.suspended_at = timezone.now()
    leo.save()
    browser = Client()

    refused = sign_in_with_key(browser, leo_key)

    assert refused.status_code == 403
    assert refused.json()["detail"] == "This account is suspended."
    assert not get_user(browser).is_authenticated


def test_the_settings_page_lists_keys_with_a_remove_link(leo, leo_client, leo_key):
    key = WebAuthnCredential.objects.get(user=leo)
    leo_client.get("/settings/security/")  # the recovery codes, shown once

    page = leo_client.get("/settings/security/").content.decode()

    assert "Two-factor authentication is on" in page
    assert "<strong>Passkey</strong>" in page
    assert f'href="/settings/security/keys/{key.pk}/remove/"' in page


def test_removing_a_key_takes_the_password(leo, leo_client, leo_key):
    register(leo_client, Authenticator())  # a second key
    key = WebAuthnCredential.objects.filter(user=leo).first()

    response = leo_client.post(f"/settings/security/keys/{key.pk}/remove/", {"password": "no"})

    assert response.status_code == 422
    assert "That password is not right." in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()


def test_removing_one_of_two_keys_takes_the_password_and_keeps_two_factor_on(
    leo, leo_client, leo_key
):
    register(leo_client, Authenticator())
    first, second = WebAuthnCredential.objects.filter(user=leo).order_by("pk")
    assert second.name == "Passkey 2"

    response = leo_client.post(
        f"/settings/security/keys/{first.pk}/remove/", {"password": PASSWORD}, follow=True
    )

    assert "Passkey is removed." in response.content.decode()
    assert services.two_factor_enabled(leo)
    assert RecoveryCodes.objects.filter(user=leo).exists()


def test_removing_the_last_key_takes_a_code_too_and_turns_two_factor_off(leo, leo_client):
    confirm_password(leo_client)
    register(leo_client, Authenticator())
    codes = re.findall(
        r"<code>([a-z0-9-]{14})</code>", leo_client.get("/settings/security/").content.decode()
    )
    key = WebAuthnCredential.objects.get(user=leo)
    url = f"/settings/security/keys/{key.pk}/remove/"
    assert ">Code</label>" in leo_client.get(url).content.decode()

    without = leo_client.post(url, {"password": PASSWORD})
    assert without.status_code == 422
    assert "Enter the code." in without.content.decode()
    response = leo_client.post(url, {"password": PASSWORD, "code": codes[0]}, follow=True)

    assert "Passkey is removed." in response.content.decode()
    assert not WebAuthnCredential.objects.filter(user=leo).exists()
    assert not RecoveryCodes.objects.filter(user=leo).exists()
    assert not services.two_factor_enabled(leo)


def test_staff_who_must_use_two_factor_cannot_remove_their_last_key(leo, leo_client):
    leo.is_staff = True
    leo.save()
    confirm_password(leo_client)
    register(leo_client, Authenticator())
    codes = re.findall(
        r"<code>([a-z0-9-]{14})</code>", leo_client.get("/settings/security/").content.decode()
    )
    site = SiteSettings.load()
    site.staff_two_factor_required = True
    site.save()
    key = WebAuthnCredential.objects.get(user=leo)

    response = leo_client.post(
        f"/settings/security/keys/{key.pk}/remove/", {"password": PASSWORD, "code": codes[0]}
    )

    assert response.status_code == 422
    assert "Staff must use two-factor authentication here" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()
    assert RecoveryCodes.objects.get(user=leo).remaining == 10  # the code was not used up


def test_someone_elses_key_is_not_found(leo_client):
    ana = UserFactory(username="ana")
    key = WebAuthnCredential.objects.create(
        user=ana, name="Passkey", credential_id=b"ana", public_key=b"public", sign_count=0
    )

    assert leo_client.get(f"/settings/security/keys/{key.pk}/remove/").status_code == 404
    response = leo_client.post(f"/settings/security/keys/{key.pk}/remove/", {"password": PASSWORD})
    assert response.status_code == 404
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()


def test_the_second_step_offers_the_key_only_to_people_who_have_one(leo, client):
    client.post("/accounts/login/", {"username": "leo", "password": PASSWORD})
    assert client.get("/accounts/login/verify/").status_code == 302  # no second factor: in


def test_the_login_page_offers_a_passkey(client):
    page = client.get("/accounts/login/").content.decode()

    assert "Sign in with a passkey" in page
    assert 'id="otp_webauthn_config"' in page


def test_starting_a_passkey_sign_in_is_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "3/5m"}
    url = "/webauthn/authentication/begin/"
    for _ in range(3):
        response = client.post(url, content_type=JSON, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 200
        assert response.json()["challenge"]

    response = client.post(url, content_type=JSON, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    other = client.post(url, content_type=JSON, REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 200


def test_registering_a_key_needs_a_signed_in_person(client):
    response = client.post("/webauthn/registration/begin/", content_type=JSON)

    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_registration_options_name_the_site_and_the_person(leo_client, settings):
    settings.SITE_NAME = "Soundpost"
    settings.ALLOWED_HOSTS = ["example.org"]
    leo_client.post("/settings/security/confirm/", {"password": PASSWORD}, HTTP_HOST="example.org")

    options = leo_client.post(
        "/webauthn/registration/begin/", content_type=JSON, HTTP_HOST="example.org"
    ).json()

    assert options["rp"] == {"id": "example.org", "name": "Soundpost"}
    assert options["user"]["name"] == "leo"
