"""What security does when someone signs in or fails to: Django's authentication signals,
answered by calling its services. Connected when the app is ready (SecurityConfig);
ARCHITECTURE.md lists every signal and its receivers."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from security import services
from security.backends import attempted_account


@receiver(user_logged_in, dispatch_uid="security.known_browser")
def user_logged_in_remember(sender, *, request, user, **kwargs):
    """The browser that signed in becomes a known browser of the account (on the response)."""
    if request is not None:
        request.known_browser_for = user


@receiver(user_login_failed, dispatch_uid="security.login_failure")
def user_login_failed_note(sender, *, credentials, request=None, **kwargs):
    """A failed login counts towards telling the account's owner, unless it came from their
    own browser."""
    if request is None:
        return
    user = attempted_account(request, credentials)
    if user is not None and not services.known_browser_is(request, user):
        services.login_failure_note(user=user)
