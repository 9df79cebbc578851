from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

# The same alphabet as @mentions, so every username can be mentioned.
USERNAME_PATTERN = r"[A-Za-z0-9_]{1,30}"


class Industry(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "industries"

    def __str__(self):
        return self.name


class UserQuerySet(models.QuerySet):
    def active(self):
        """People who can be seen: not deactivated, not suspended."""
        return self.filter(is_active=True, suspended_at__isnull=True)


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    username = models.CharField(
        "username",
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                rf"^{USERNAME_PATTERN}\Z",
                "Use 1-30 letters, digits or underscores.",
                code="invalid_username",
            )
        ],
        error_messages={"unique": "That username is taken."},
    )
    display_name = models.CharField(max_length=50, blank=True)
    bio = models.CharField(max_length=160, blank=True)
    industry = models.ForeignKey(
        Industry, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    location = models.CharField(max_length=50, blank=True)
    website = models.URLField(blank=True)
    open_to_collaborate = models.BooleanField(default=False)
    suspended_at = models.DateTimeField(null=True, blank=True)

    objects = AccountManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None
