from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Signing in and keeping an account one's own: logins and their limits, passwords."""

    name = "security"

    def ready(self):
        from security import receivers  # noqa: F401 (connects them)
