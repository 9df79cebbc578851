from django.conf import settings
from django.db import models
from django.db.models import Q


class Report(models.Model):
    """A person's report about a post or about another person (exactly one of the two).

    A report stays open until a moderator resolves it (removes the post, suspends the person) or
    dismisses it; either way it is kept, with who closed it, when and why.
    """

    class Category(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse or harassment"
        ILLEGAL = "illegal", "Illegal content"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name="reported post",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports_received",
        verbose_name="reported person",
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    comment = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_handled",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-id"], name="moderation_report_status_id")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(post__isnull=False, user__isnull=True)
                    | Q(post__isnull=True, user__isnull=False)
                ),
                name="moderation_report_one_target",
            ),
            models.CheckConstraint(
                condition=Q(category__in=["spam", "abuse", "illegal", "other"]),
                name="moderation_report_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "resolved", "dismissed"]),
                name="moderation_report_status_valid",
            ),
            models.UniqueConstraint(
                fields=["reporter", "post"],
                condition=Q(status="open", post__isnull=False),
                name="moderation_report_one_open_per_post",
            ),
            models.UniqueConstraint(
                fields=["reporter", "user"],
                condition=Q(status="open", user__isnull=False),
                name="moderation_report_one_open_per_user",
            ),
        ]
        # Moderators act on other apps' models; the permissions live here so that moderation owns
        # them and accounts and posts need not know about moderation.
        permissions = [
            ("remove_post", "Can remove and restore posts"),
            ("suspend_user", "Can suspend and unsuspend people"),
            ("approve_user", "Can approve new accounts"),
        ]

    def __str__(self):
        return f"Report #{self.pk} about {self.target_label}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def target_label(self) -> str:
        if self.post_id:
            return post_snapshot(self.post)
        return f"@{self.user.username}"


def post_snapshot(post) -> str:
    """How a post is named in lists and the audit log: '@maya: first 60 characters'."""
    if post.repost_of_id and not post.text:
        return f"@{post.author.username}: repost of post #{post.repost_of_id}"
    text = post.text if len(post.text) <= 60 else post.text[:60] + "…"
    return f"@{post.author.username}: {text}"


class AuditLogImmutable(Exception):
    """Raised on any attempt to change or delete an audit log entry."""


class AuditLogEntryQuerySet(models.QuerySet):
    # The audit trail is append-only: bulk edits and deletes are refused like single ones.
    # (Deleting a person or post still works: Django nulls these foreign keys through the base
    # manager, so the entry and its text snapshot stay.)
    def update(self, **kwargs):
        raise AuditLogImmutable("Audit log entries cannot be changed.")

    def delete(self):
        raise AuditLogImmutable("Audit log entries cannot be deleted.")


class AuditLogEntry(models.Model):
    """One moderation action: who did what to which post or person, and why. Never changed."""

    class Action(models.TextChoices):
        POST_REMOVED = "post_removed", "Post removed"
        POST_RESTORED = "post_restored", "Post restored"
        USER_SUSPENDED = "user_suspended", "Person suspended"
        USER_UNSUSPENDED = "user_unsuspended", "Person unsuspended"
        USER_APPROVED = "user_approved", "Person approved"
        REPORT_DISMISSED = "report_dismissed", "Report dismissed"
        INDUSTRY_MERGED = "industry_merged", "Industries merged"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    # Kept as text too, so the entry still says who acted after that account is gone.
    moderator_username = models.CharField(max_length=30)
    action = models.CharField(max_length=30, choices=Action.choices)
    target_post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    target_repr = models.CharField("target", max_length=200)
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="moderation_audit_reason_given"),
        ]

    def __str__(self):
        return f"{self.moderator_username} {self.get_action_display().lower()}: {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("Audit log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("Audit log entries cannot be deleted.")
