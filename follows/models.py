from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Follow(models.Model):
    """follower follows followee. A pair exists once, and nobody follows themselves."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follows_follow_unique"),
            models.CheckConstraint(
                condition=~Q(follower=F("followee")), name="follows_follow_not_self"
            ),
        ]
        indexes = [models.Index(fields=["followee", "-id"], name="follows_followee_id_desc")]

    def __str__(self):
        return f"{self.follower_id} follows {self.followee_id}"
