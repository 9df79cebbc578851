"""Security keys and passkeys (WebAuthn, through django-otp-webauthn, which uses py_webauthn for
the cryptography): registered on /settings/security/, used as the second step of signing in, and
alone (a passkey) from the login page.

The library's views are used under its own URL names (`otp_webauthn:*`, which its scripts read
from the page), with two changes of ours:
- signing in with a key serves both the second step (the account whose password was right,
  waiting in the session: only its keys count) and a passkey alone (any account); it
  refuses suspended accounts (as the password does), and ends in the same login as a password;
- registering the first key turns two-factor authentication on: like an authenticator app, it
  ends every other session and brings recovery codes, shown once on the settings page.
"""

from django.conf import settings
from django.contrib.auth import login
from django.http.request import split_domain_port
from django.urls import path, reverse
from django.views.i18n import JavaScriptCatalog
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from core.ratelimit import client_ip, rate_limit_hit
from security import services
from security.views import PENDING, _pending, pending_next

# The recovery codes made with a first key, until the settings page shows them once.
NEW_RECOVERY_CODES = "security_new_recovery_codes"


def rp_id(request) -> str:
    """The relying party: the host name the site is served under (keys are bound to it)."""
    domain, _port = split_domain_port(request.get_host())
    return domain


def rp_name(request) -> str:
    return settings.SITE_NAME


class Helper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        """The origin the site is served from (a host ALLOWED_HOSTS let in), and any
        configured."""
        own = f"{self.request.scheme}://{self.request.get_host()}"
        return [own, *settings.OTP_WEBAUTHN_ALLOWED_ORIGINS]

    def create_credential(self, user, response, parsed_credential, original_data):
        """Name a new key for the settings list: a passkey (it can sign in alone) or a
        security key, numbered when the person has several."""
        device = super().create_credential(user, response, parsed_credential, original_data)
        kind = "Passkey" if device.discoverable else "Security key"
        count = WebAuthnCredential.objects.filter(user=user, name__startswith=kind).count()
        device.name = kind if count == 0 else f"{kind} {count + 1}"
        return device


# Whose second step a key sign-in was begun for (None: a passkey alone). The library's ceremony
# state asks for the key's own check of its user (PIN, fingerprint) only when no password came
# first, so the sign-in must end for the same person it began for: else a second step begun for
# one account, left to expire, could end as a passkey sign-in to another without that check.
BEGUN_FOR = "security_key_sign_in_for"


def _waiting_id(request) -> int | None:
    found = _pending(request)
    return found[0].pk if found is not None else None


class SignInBegin(BeginCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        # Each start keeps a challenge in a session, a new one for a visitor: limited per address
        # like logins, so a script cannot fill the session table.
        rate_limit_hit(scope="login", key=f"ip:{client_ip(self.request)}")
        self.request.session[BEGUN_FOR] = _waiting_id(self.request)
        return super().post(*args, **kwargs)

    def get_user(self):
        found = _pending(self.request)
        return found[0] if found is not None else None


class SignInComplete(CompleteCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        begun_for = self.request.session.pop(BEGUN_FOR, "not begun")
        if begun_for != _waiting_id(self.request):
            self.request.session.pop("otp_webauthn_authentication_state", None)
            raise exceptions.InvalidState(
                detail="This sign-in took too long or changed. Start again from the login page."
            )
        return super().post(*args, **kwargs)

    def get_user(self):
        found = _pending(self.request)
        return found[0] if found is not None else None

    def check_device_usable(self, device):
        super().check_device_usable(device)
        if device.user.is_suspended:  # refused as the password would be
            raise exceptions.UserDisabled(detail="This account is suspended.")
        found = _pending(self.request)
        if found is not None and device.user_id != found[0].pk:
            raise exceptions.CredentialNotFound()

    def complete_auth(self, device):
        found = _pending(self.request)
        if found is not None:
            backend = found[1]["backend"]
            self.next_url = pending_next(self.request, found[1])
            del self.request.session[PENDING]
        else:
            backend = "django_otp_webauthn.backends.WebAuthnBackend"
            self.next_url = ""
        login(self.request, device.user, backend=backend)
        otp_login(self.request, device)

    def get_success_url(self):
        return self.next_url or super().get_success_url()


class PasswordFirst:
    """Adding a key, like an authenticator app, needs the password typed lately."""

    def check_can_register(self):
        super().check_can_register()
        if not services.password_recently_confirmed(self.request):
            raise exceptions.NotVerified(
                detail="Confirm your password on this page first, then add the key."
            )


class RegisterBegin(PasswordFirst, BeginCredentialRegistrationView):
    pass


class RegisterComplete(PasswordFirst, CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        first = not services.two_factor_enabled(self.request.user)
        response = super().post(*args, **kwargs)
        if first and response.status_code == 200:
            codes = services.recovery_codes_replace(user=self.request.user)
            self.request.session[NEW_RECOVERY_CODES] = codes
            services.sessions_end_others(request=self.request)
        return response


app_name = "otp_webauthn"
urlpatterns = [
    path("registration/begin/", RegisterBegin.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/",
        RegisterComplete.as_view(),
        name="credential-registration-complete",
    ),
    path("authentication/begin/", SignInBegin.as_view(), name="credential-authentication-begin"),
    path(
        "authentication/complete/",
        SignInComplete.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]


def configuration(request) -> dict:
    """What the library's scripts read from the page (`otp_webauthn_config`)."""
    from django.middleware import csrf

    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("otp_webauthn:credential-authentication-begin"),
        "completeAuthenticationUrl": reverse("otp_webauthn:credential-authentication-complete"),
        "beginRegistrationUrl": reverse("otp_webauthn:credential-registration-begin"),
        "completeRegistrationUrl": reverse("otp_webauthn:credential-registration-complete"),
    }
