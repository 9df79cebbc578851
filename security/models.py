import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin

# Easy to read back from paper: no 0/o, 1/l/i.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_COUNT = 10


def recovery_code_new() -> str:
    """A code like "k7mq-2xnp-r4ta": 12 characters of 31, about 59 bits."""
    characters = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
    return "-".join(characters[start : start + 4] for start in (0, 4, 8))


def recovery_code_digest(code: str, *, user_id: int) -> str:
    """What is stored of a code: a keyed hash (SECRET_KEY and the person), so the database alone
    gives nothing to try. Spaces, dashes and letter case do not matter."""
    typed = "".join(code.split()).replace("-", "").lower()
    return salted_hmac(
        "security.recovery_code", f"{user_id}:{typed}", algorithm="sha256"
    ).hexdigest()


class RecoveryCodes(ThrottlingMixin, Device):
    """A person's one-time recovery codes, as one second factor (django-otp's device): for when
    the authenticator or key is lost. Shown once when made; each works once."""

    class Meta:
        verbose_name = "recovery codes"
        verbose_name_plural = "recovery codes"

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed or not isinstance(token, str):
            return False
        digest = recovery_code_digest(token, user_id=self.user_id)
        # One statement: of two requests with the same code, only one marks it used.
        used = self.codes.filter(digest=digest, used_at__isnull=True).update(used_at=timezone.now())
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self):
        # The authenticator app's policy: one setting for every kind of code.
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    @property
    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "digest"], name="security_code_once"),
        ]

    def __str__(self):
        return f"recovery code {self.pk} of device {self.device_id}"


class SignedInSession(models.Model):
    """A browser signed in to an account, for the list on /settings/security/: what it is (from
    its user agent) and when it was last used. No address is kept. The session itself lives in
    the session store (database or Redis); ending it deletes both."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    browser = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self):
        return f"{self.browser} of user {self.user_id}"


class EmailChange(models.Model):
    """A new email address waiting for its owner to open the link sent to it; the account keeps
    its address until then. One per person: a new request replaces the last."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_change"
    )
    email = models.EmailField(max_length=254)
    requested_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.user_id} → {self.email}"
