from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from core.ratelimit import client_ip, rate_limit_hit


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username (any letter case) or the email address.

    Every login attempt that comes with a request (the login page, the admin's, any other front
    end's) counts against the "login" rate limit of the address it comes from."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        if request is not None:
            rate_limit_hit(scope="login", key=f"ip:{client_ip(request)}")
        typed = username.strip()
        people = User.objects.with_email(typed) if "@" in typed else User.objects.named(typed)
        user = people.first()
        if user is None:
            # Spend the time a password check takes, so timing does not reveal who has an account.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
