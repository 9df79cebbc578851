from django.db import models


class RateLimitWindow(models.Model):
    """How often one key (scope, person or address, window number) acted in one fixed window of
    a rate limit: see core.ratelimit, which counts here when Redis is not configured. On
    PostgreSQL the table is UNLOGGED (see its migration): counts are not worth a wait for the
    disk."""

    key = models.CharField(max_length=255, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"
