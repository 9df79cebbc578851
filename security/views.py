"""Signing in (in one step, or two with a second factor) and out, the password's pages, and the
security settings."""

import base64
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import User
from core.decorators import login_required
from core.forms import PasswordForm
from core.ratelimit import client_ip
from security import services
from security.forms import (
    CodeForm,
    EmailChangeForm,
    LoginForm,
    SetupCodeForm,
    TwoFactorOffForm,
)
from security.models import EmailChange, SignedInSession

# The account whose password was right, waiting for its second factor, in the session.
PENDING = "security_login_pending"
PENDING_SECONDS = 10 * 60


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    """The first step: the password. Someone with a second factor goes on to `login_verify`,
    still signed out; everyone else is signed in."""

    template_name = "security/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not services.two_factor_enabled(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "next": self.get_redirect_url(),
        }
        return redirect("security:login_verify")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Django's login view names the site after the request's host; the header shows ours.
        context["site_name"] = settings.SITE_NAME
        return {**context, **_webauthn_context(self.request)}


login_view = LoginView.as_view()


def _webauthn_context(request) -> dict:
    from security.webauthn import configuration

    return {"webauthn_config": configuration(request)}


def _pending(request) -> tuple[User, dict] | None:
    """The account waiting for its second factor in this session, if recent."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return (user, pending) if user is not None else None


def pending_next(request, pending: dict) -> str:
    """Where the waiting login was going, if that is on this site; else home."""
    target = pending.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _login_complete(request, user: User, pending: dict, device):
    """Sign `user` in now that the second factor passed, and go where the login was going."""
    target = pending_next(request, pending)
    del request.session[PENDING]
    login(request, user, backend=pending["backend"])
    otp_login(request, device)
    return HttpResponseRedirect(target)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def login_verify(request):
    """The second step: a code from the authenticator app, a recovery code, or a security key
    (the key's ceremony runs in the page; see `security.webauthn`)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    found = _pending(request)
    if found is None:
        messages.error(request, "That took too long. Log in again.")
        return redirect("security:login")
    user, pending = found
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return _login_complete(request, user, pending, device)
    status = 422 if request.method == "POST" else 200
    context = {
        "form": form,
        "has_keys": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
        **_webauthn_context(request),
    }
    return render(request, "security/login_verify.html", context, status=status)


def login_locked_out(request, response=None, credentials=None):
    """django-axes calls this when an address or account has failed to log in too often."""
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    context = {"form": form, "locked_out": True, "next": request.POST.get("next", "")}
    return render(request, "security/login.html", context, status=429)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password keeps this session and ends every other one, and voids a change of email
    address waiting for its link."""

    template_name = "security/password_change.html"
    success_url = reverse_lazy("security:password_change_done")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # keeps this session, under a new key
        services.session_rekey(old_key=old_key, new_key=self.request.session.session_key)
        services.sessions_end_others(request=self.request)
        services.email_change_cancel(user=self.request.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "security/password_reset.html"
    success_url = reverse_lazy("security:password_reset_done")

    def form_valid(self, form):
        services.password_reset_request(
            email=form.cleaned_data["email"],
            address=client_ip(self.request),
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
        )
        return HttpResponseRedirect(self.get_success_url())


password_reset = PasswordResetView.as_view()


@method_decorator(sensitive_post_parameters("new_password1", "new_password2"), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A password set from the emailed link ends every session of the account, and voids a
    change of email address waiting for its link (asked for by whoever had the old password)."""

    template_name = "security/password_reset_confirm.html"
    success_url = reverse_lazy("security:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.sessions_end_all(user=form.user)
        services.email_change_cancel(user=form.user)
        return response


# --- security settings --------------------------------------------------------------------------


def _security_page(request, *, forms=None, status=200):
    user = request.user
    from security.webauthn import NEW_RECOVERY_CODES

    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    if codes:  # a first key just turned two-factor authentication on: shown this once
        context = {"codes": codes, "just_turned_on": True}
        return render(request, "security/recovery_codes.html", context)
    devices = services.two_factor_devices(user)
    recovery = next((device for device in devices if device.name == "Recovery codes"), None)
    context = {
        "two_factor": services.two_factor_enabled(user),
        "authenticators": [device for device in devices if isinstance(device, TOTPDevice)],
        "keys": [device for device in devices if isinstance(device, WebAuthnCredential)],
        "recovery_left": recovery.remaining if recovery is not None else 0,
        "sessions": SignedInSession.objects.filter(user=user),
        "current_session": request.session.session_key,
        "password_confirmed": services.password_recently_confirmed(request),
        "confirm_form": PasswordForm(user=user),
        "codes_form": PasswordForm(user=user),
        "off_form": TwoFactorOffForm(user=user),
        **_webauthn_context(request),
        **(forms or {}),
    }
    return render(request, "security/settings_security.html", context, status=status)


@never_cache
@login_required
def settings_security(request):
    """/settings/security/: two-factor authentication, security keys, signed-in sessions."""
    return _security_page(request)


@sensitive_post_parameters("password")
@require_POST
@login_required
def password_confirm(request):
    """The password again, which lets this session add a second factor for a few minutes."""
    form = PasswordForm(request.POST, user=request.user)
    if not form.is_valid():
        return _security_page(request, forms={"confirm_form": form}, status=422)
    services.password_confirmed_mark(request)
    minutes = int(services.PASSWORD_CONFIRMED_FOR.total_seconds() // 60)
    messages.success(
        request, f"Password confirmed: for {minutes} minutes you can add an app or a key."
    )
    return redirect("security:settings")


def _password_confirmation_owed(request):
    """The way back to the settings page when the password was not confirmed lately."""
    if services.password_recently_confirmed(request):
        return None
    messages.error(request, "Confirm your password first.")
    return redirect("security:settings")


@require_POST
@login_required
def totp_begin(request):
    """Start setting up an authenticator app (a new secret, not on yet)."""
    if (owed := _password_confirmation_owed(request)) is not None:
        return owed
    services.totp_setup_begin(user=request.user)
    return redirect("security:totp_setup")


def _totp_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[start : start + 4] for start in range(0, len(text), 4))


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@login_required
def totp_setup(request):
    """The QR code (drawn here, as SVG) and the secret as text; a code from the app turns it
    on, ends every other session and shows the recovery codes, once."""
    if (owed := _password_confirmation_owed(request)) is not None:
        return owed
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).last()
    if device is None:
        return redirect("security:settings")
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_setup_confirm(user=request.user, code=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            services.sessions_end_others(request=request)
            context = {"codes": codes, "just_turned_on": True}
            return render(request, "security/recovery_codes.html", context)
        form.add_error("code", "That code is not right. Check the app's clock and try again.")
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        # Safe: segno's drawing (paths and our title) of our own URL; no one else's text.
        "qr_svg": mark_safe(  # noqa: S308
            qr.svg_inline(scale=5, border=2, title="QR code for your authenticator app")
        ),
        "secret": _totp_secret(device),
    }
    return render(
        request,
        "security/totp_setup.html",
        context,
        status=422 if request.method == "POST" else 200,
    )


@never_cache
@sensitive_post_parameters("password")
@require_POST
@login_required
def recovery_codes_new(request):
    """New recovery codes (the password first); the old ones stop working."""
    form = PasswordForm(request.POST, user=request.user)
    if not services.two_factor_enabled(request.user):
        return redirect("security:settings")
    if not form.is_valid():
        return _security_page(request, forms={"codes_form": form}, status=422)
    codes = services.recovery_codes_replace(user=request.user)
    return render(request, "security/recovery_codes.html", {"codes": codes})


@sensitive_post_parameters("password", "code")
@require_POST
@login_required
def two_factor_off(request):
    """Turn two-factor authentication off: the password and a current code."""
    form = TwoFactorOffForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.two_factor_removal_check(request.user)  # before a code is used up
            services.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code" if error.code != "staff_required" else None, error)
        else:
            services.two_factor_disable(user=request.user)
            messages.success(request, "Two-factor authentication is off.")
            return redirect("security:settings")
    return _security_page(request, forms={"off_form": form}, status=422)


@require_POST
@login_required
def session_logout(request, session_id):
    """Log out one of your sessions (this one too, if you pick it)."""
    current = SignedInSession.objects.filter(session_key=request.session.session_key).first()
    if not services.session_end(user=request.user, session_id=session_id):
        raise Http404("No such session")
    if current is not None and current.pk == session_id:
        logout(request)
        return redirect("home")
    messages.success(request, "That session is logged out.")
    return redirect("security:settings")


@require_POST
@login_required
def sessions_logout_others(request):
    """Log out every session but this one."""
    ended = services.sessions_end_others(request=request)
    messages.success(request, f"Logged out {ended} other session{'s' if ended != 1 else ''}.")
    return redirect("security:settings")


@sensitive_post_parameters("password", "code")
@require_http_methods(["GET", "POST"])
@login_required
def key_remove(request, key_id):
    """Remove a security key or passkey, after the password; the last second factor takes a
    code too (a recovery code, or the app's), since removing it turns two-factor off."""
    key = WebAuthnCredential.objects.filter(user=request.user, pk=key_id).first()
    if key is None:
        raise Http404("No such key")
    last = services.key_is_last_factor(user=request.user, key=key)
    form = (TwoFactorOffForm if last else PasswordForm)(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if last:
                services.two_factor_removal_check(request.user)
                services.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
            services.key_remove(user=request.user, key=key)
        except ValidationError as error:
            form.add_error("code" if error.code != "staff_required" else None, error)
        else:
            messages.success(request, f"{key.name} is removed.")
            return redirect("security:settings")
    status = 422 if request.method == "POST" else 200
    context = {"key": key, "form": form, "last": last}
    return render(request, "security/key_remove.html", context, status=status)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@login_required
def email_change(request):
    """The address the account has, and a form for a new one (confirmed by a link sent to it)."""
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.email_change_request(
                user=request.user,
                email=form.cleaned_data["email"],
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                f"We sent a link to {change.email}. Open it within "
                f"{settings.EMAIL_CHANGE_HOURS} hours to make it your address.",
            )
            return redirect("security:email")
    pending = EmailChange.objects.filter(user=request.user).first()
    status = 422 if request.method == "POST" else 200
    return render(
        request, "security/email_change.html", {"form": form, "pending": pending}, status=status
    )


@require_POST
@login_required
def email_change_cancel(request):
    services.email_change_cancel(user=request.user)
    messages.success(request, "The change of address is cancelled.")
    return redirect("security:email")


@require_http_methods(["GET", "POST"])
def email_confirm(request, token):
    """The link sent to a new address: a page with a button (a mail scanner that fetches the
    link changes nothing), whose POST makes it the account's address. The link works for
    anyone who has it: only the address's owner was sent it."""
    change = services.email_change_pending(token)
    if change is None:
        return render(request, "security/email_confirm_invalid.html", status=404)
    if request.method == "POST":
        try:
            user = services.email_change_confirm(change=change)
        except ValidationError as error:
            return render(
                request, "security/email_confirm_invalid.html", {"error": error}, status=409
            )
        if request.user == user:
            messages.success(request, f"Your email address is now {user.email}.")
            return redirect("security:email")
        return render(request, "security/email_confirm_done.html", {"changed": user})
    return render(request, "security/email_confirm.html", {"change": change, "token": token})
