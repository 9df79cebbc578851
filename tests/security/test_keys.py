"""Security keys and passkeys, the server's side: listing and removing them, the second step
offering them, and the limits on their JSON endpoints. The ceremonies themselves run in Chromium
with a virtual authenticator (tests/e2e/test_account_security.py)."""

import pytest
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from security import services
from security.models import RecoveryCodes
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def add_key(user, name="Passkey", credential=b"credential") -> WebAuthnCredential:
    key = WebAuthnCredential.objects.create(
        user=user, name=name, credential_id=credential, public_key=b"public", sign_count=0
    )
    services.recovery_codes_replace(user=user)
    return key


def test_the_settings_page_lists_keys_with_a_remove_link(leo, leo_client):
    key = add_key(leo, name="Security key 2")

    page = leo_client.get("/settings/security/").content.decode()

    assert "Two-factor authentication is on" in page
    assert "<strong>Security key 2</strong>" in page
    assert f'href="/settings/security/keys/{key.pk}/remove/"' in page
    assert 'id="otp_webauthn_config"' in page  # the registration script's settings


def test_removing_a_key_takes_the_password(leo, leo_client):
    key = add_key(leo)

    response = leo_client.post(f"/settings/security/keys/{key.pk}/remove/", {"password": "no"})

    assert response.status_code == 422
    assert "That password is not right." in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()


def test_removing_the_last_key_turns_two_factor_off(leo, leo_client):
    key = add_key(leo)
    page = leo_client.get(f"/settings/security/keys/{key.pk}/remove/")
    assert page.status_code == 200
    assert ">Password</label>" in page.content.decode()

    response = leo_client.post(
        f"/settings/security/keys/{key.pk}/remove/", {"password": PASSWORD}, follow=True
    )

    assert "Passkey is removed." in response.content.decode()
    assert not WebAuthnCredential.objects.filter(user=leo).exists()
    assert not RecoveryCodes.objects.filter(user=leo).exists()
    assert not services.two_factor_enabled(leo)


def test_removing_one_of_two_keys_keeps_two_factor_on(leo, leo_client):
    first = add_key(leo)
    add_key(leo, name="Security key", credential=b"second")

    leo_client.post(f"/settings/security/keys/{first.pk}/remove/", {"password": PASSWORD})

    assert services.two_factor_enabled(leo)
    assert RecoveryCodes.objects.filter(user=leo).exists()


def test_someone_elses_key_is_not_found(leo_client):
    ana = UserFactory(username="ana")
    key = add_key(ana)

    assert leo_client.get(f"/settings/security/keys/{key.pk}/remove/").status_code == 404
    response = leo_client.post(f"/settings/security/keys/{key.pk}/remove/", {"password": PASSWORD})
    assert response.status_code == 404
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()


def test_the_second_step_offers_the_key_only_to_people_who_have_one(leo):
    client = Client()
    client.post("/accounts/login/", {"username": "leo", "password": PASSWORD})
    assert client.get("/accounts/login/verify/").status_code == 302  # no second factor: in

    add_key(leo)
    client = Client()
    response = client.post("/accounts/login/", {"username": "leo", "password": PASSWORD})
    page = client.get(response.url).content.decode()

    assert "Use my security key" in page
    assert 'id="otp_webauthn_config"' in page
    assert ">Code</label>" in page  # a recovery code still works


def test_the_login_page_offers_a_passkey(client):
    page = client.get("/accounts/login/").content.decode()

    assert "Sign in with a passkey" in page
    assert 'id="otp_webauthn_config"' in page


def test_starting_a_passkey_sign_in_is_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "3/5m"}
    url = "/webauthn/authentication/begin/"
    for _ in range(3):
        response = client.post(url, content_type="application/json", REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 200
        assert response.json()["challenge"]

    response = client.post(url, content_type="application/json", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    other = client.post(url, content_type="application/json", REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 200


def test_registering_a_key_needs_a_signed_in_person(client):
    response = client.post("/webauthn/registration/begin/", content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_registration_options_name_the_site_and_the_person(leo_client, settings):
    settings.SITE_NAME = "Soundpost"
    settings.ALLOWED_HOSTS = ["example.org"]

    options = leo_client.post(
        "/webauthn/registration/begin/", content_type="application/json", HTTP_HOST="example.org"
    ).json()

    assert options["rp"] == {"id": "example.org", "name": "Soundpost"}
    assert options["user"]["name"] == "leo"
