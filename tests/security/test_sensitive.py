"""No password or code typed into a form reaches an error report: every view that takes one is
marked with Django's sensitive_post_parameters, which the report's filter reads from the request."""

import pytest
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from security import services
from security.models import EmailChange
from tests.factories import PASSWORD


def secrets_of(response) -> set[str] | str:
    marked = getattr(response.wsgi_request, "sensitive_post_parameters", None)
    return marked if marked == "__ALL__" else set(marked or [])


@pytest.mark.django_db
def test_every_view_taking_a_password_or_a_code_hides_them(leo, leo_client):
    key = WebAuthnCredential.objects.create(
        user=leo, name="Passkey", credential_id=b"k", public_key=b"p", sign_count=0
    )
    token = services.email_change_token(EmailChange.objects.create(user=leo, email="n@e.org"))
    forms = {
        "/settings/security/confirm/": {"password"},
        "/settings/security/totp/": {"code"},
        "/settings/security/recovery-codes/": {"password"},
        "/settings/security/off/": {"password", "code"},
        f"/settings/security/keys/{key.pk}/remove/": {"password", "code"},
        "/settings/email/": {"password"},
        "/settings/password/": {"old_password", "new_password1", "new_password2"},
        f"/settings/email/confirm/{token}/": set(),  # takes neither
    }
    for url, fields in forms.items():
        response = leo_client.post(url, dict.fromkeys(fields, "secret"))
        marked = secrets_of(response)
        assert marked == "__ALL__" or fields <= marked, (url, marked)

    visitor = Client()
    marked = secrets_of(visitor.post("/accounts/login/", {"username": "leo", "password": "x"}))
    assert marked == "__ALL__" or "password" in marked
    visitor.post("/accounts/login/", {"username": "leo", "password": PASSWORD})
    marked = secrets_of(visitor.post("/accounts/login/verify/", {"code": "123456"}))
    assert marked == "__ALL__" or "code" in marked
