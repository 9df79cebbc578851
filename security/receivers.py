"""What security does when someone signs in, out, or fails to (Django's authentication
signals), and when the site's settings change: answered by calling its services. Connected when
the app is ready (SecurityConfig); ARCHITECTURE.md lists every signal and its receivers."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import SiteSettings
from security import services
from security.backends import attempted_account


@receiver(user_logged_in, dispatch_uid="security.signed_in")
def user_logged_in_note(sender, *, request, user, **kwargs):
    """The browser that signed in becomes a known browser of the account (its cookie goes on
    the response, `SignInMiddleware`), and its session joins the list of sessions."""
    if request is None or not hasattr(request, "session"):
        return
    request.known_browser_for = user
    services.session_record(request=request, user=user)


@receiver(post_save, sender=SiteSettings, dispatch_uid="security.staff_two_factor")
def site_settings_saved_apply(sender, *, instance, **kwargs):
    """Requiring two-factor authentication of staff logs out the staff who have none."""
    if instance.staff_two_factor_required:
        services.staff_sessions_end_without_two_factor()


@receiver(user_logged_out, dispatch_uid="security.signed_out")
def user_logged_out_forget(sender, *, request, **kwargs):
    """A session that logs out leaves the list."""
    if request is not None and request.session.session_key:
        services.session_forget(session_key=request.session.session_key)


@receiver(user_login_failed, dispatch_uid="security.login_failure")
def user_login_failed_note(sender, *, credentials, request=None, **kwargs):
    """A failed login counts towards telling the account's owner, unless it came from their
    own browser."""
    if request is None:
        return
    user = attempted_account(request, credentials)
    if user is not None and not services.known_browser_is(request, user):
        services.login_failure_note(user=user)
