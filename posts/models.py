from django.conf import settings
from django.db import models
from django.db.models import Q


class PostQuerySet(models.QuerySet):
    def visible(self):
        """Posts anyone may see: not removed by a moderator, author not suspended or deactivated.

        Every list of posts (timelines, profiles, threads, tags) goes through this one rule.
        """
        return self.filter(
            removed_at__isnull=True,
            author__suspended_at__isnull=True,
            author__is_active=True,
        )

    def with_card_data(self, viewer=None):
        """Everything a post card shows, in a fixed number of queries whatever the page length."""
        return self.select_related(
            "author",
            "author__industry",
            "repost_of",
            "repost_of__author",
            "repost_of__author__industry",
        )


class Post(models.Model):
    """A post, a reply (in_reply_to set) or a repost (repost_of set, no text of its own).

    Reposts are posts, as in Mastodon, so a timeline is one ordered list of post ids.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    repost_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reposts"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["author", "-id"], name="posts_author_id_desc")]
        constraints = [
            models.CheckConstraint(
                condition=Q(repost_of__isnull=False) | ~Q(text=""),
                name="posts_post_text_or_repost",
            ),
            models.UniqueConstraint(
                fields=["author", "repost_of"],
                condition=Q(repost_of__isnull=False),
                name="posts_post_one_repost_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.author.username}: {self.text[:40]}"
