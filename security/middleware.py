from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from core.decorators import middleware_checks_person
from security import services

# What staff who must set up two-factor authentication can still reach.
TWO_FACTOR_SETUP_URL_NAMES = {
    "security:settings",
    "security:password_confirm",
    "security:totp_begin",
    "security:totp_setup",
    "security:logout",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:js-i18n-catalog",
}


class SignInMiddleware:
    """The security app's part of each request:
    - after a login (`security.receivers` marks the request), the browser gets the cookie that
      makes it a known browser of that account: every way of signing in ends in Django's
      login(), and only here is the response at hand;
    - a signed-in session notes it is in use (for the list of sessions), now and then;
    - while the site requires two-factor authentication of staff (a site setting), staff whose
      session did not pass a second factor are sent to set one up before anything else, or, if
      they have one, signed out to sign in again with it (`services.staff_two_factor_owed`).
    Views marked `checks_person_itself` (the poll, the health check) are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "known_browser_for", None)
        if user is not None:
            services.known_browser_remember(response, user)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not middleware_checks_person(view_func):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        services.session_seen(request=request)
        owed = services.staff_two_factor_owed(request=request)
        if owed == "verify":
            logout(request)
            messages.info(request, "Sign in again with your second factor: staff need it here.")
            return redirect_to_login(request.get_full_path())
        match = request.resolver_match
        if owed and (match is None or match.view_name not in TWO_FACTOR_SETUP_URL_NAMES):
            messages.info(request, "Set up two-factor authentication first: staff need it here.")
            return redirect("security:settings")
        return None
