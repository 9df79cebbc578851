"""What the client API keeps beside django-oauth-toolkit's tables: the scopes and website an app
registered with, and each person's reading positions (markers)."""

from django.conf import settings
from django.db import models
from oauth2_provider.models import Application


class ClientApp(models.Model):
    """What Mastodon's POST /api/v1/apps records beyond an OAuth application: the scopes the app
    may ask for (an authorization asks for some of them) and its website."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="client_app"
    )
    scopes = models.CharField(max_length=1000, default="read")
    website = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.application.name


class Marker(models.Model):
    """Where a person stopped reading a timeline ("home" or "notifications"): the last id read,
    shared by all their apps (Mastodon's markers)."""

    class Timeline(models.TextChoices):
        HOME = "home"
        NOTIFICATIONS = "notifications"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="markers"
    )
    timeline = models.CharField(max_length=16, choices=Timeline.choices)
    last_read_id = models.BigIntegerField()
    # Counts the saves, so an app can tell that another one moved the marker (Mastodon's
    # optimistic locking: version).
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "timeline"], name="api_marker_once"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.timeline} {self.last_read_id}"
