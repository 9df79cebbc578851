"""Moderation writes. Each is one transaction that also writes its audit log entry.

Services trust their caller on permissions: the admin checks them (see moderation.admin and
moderation.admin_actions) before calling in. Nothing here deletes a post or a person; removal and
suspension set a timestamp that `Post.objects.visible()`, the login form and
moderation.middleware honour.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Industry, User
from accounts.signals import user_visibility_changed
from core.ratelimit import counted, per_person
from moderation.models import AuditLogEntry, Report, post_snapshot
from posts.models import Post
from posts.services import author_stats_refresh, replied_to_lock, replied_to_recount

COMMENT_MAX_LENGTH = 1000
REASON_REQUIRED = "Give a reason; it goes into the audit log."


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(REASON_REQUIRED, code="reason_required")
    return reason


def _audit(
    *,
    moderator: User,
    action: str,
    reason: str,
    target_repr: str = "",
    post: Post | None = None,
    user: User | None = None,
    report: Report | None = None,
) -> AuditLogEntry:
    """The audit row of an action. The target is named as it is now (the post's text, the
    person's username), so the entry still says what it was about once that is gone."""
    if not target_repr:
        target_repr = post_snapshot(post) if post is not None else f"@{user.username}"
    return AuditLogEntry.objects.create(
        moderator=moderator,
        moderator_username=moderator.username,
        action=action,
        target_post=post,
        target_user=user,
        report=report,
        target_repr=target_repr[:200],
        reason=reason,
    )


def _close_reports(*, reports, moderator: User, status: str, reason: str) -> int:
    """Close the given open reports; returns how many were still open."""
    return reports.filter(status=Report.Status.OPEN).update(
        status=status,
        handled_by=moderator,
        handled_at=timezone.now(),
        resolution_note=reason,
    )


@counted("report", per_person("reporter"))
@transaction.atomic
def report_create(
    *,
    reporter: User,
    post: Post | None = None,
    user: User | None = None,
    category: str,
    comment: str = "",
) -> Report:
    """Report a post or a person (exactly one). Nobody reports themselves or their own posts, and
    a person has at most one open report per post or person. Counts against the "report" rate
    limit."""
    if (post is None) == (user is None):
        raise ValueError("Report either a post or a person, not both or neither.")
    if post is not None and post.author_id == reporter.pk:
        raise ValidationError("You cannot report your own post.", code="own_post")
    if user is not None and user.pk == reporter.pk:
        raise ValidationError("You cannot report yourself.", code="self")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            f"Keep the comment to {COMMENT_MAX_LENGTH} characters (it has {len(comment)}).",
            code="comment_too_long",
        )
    report = Report(
        reporter=reporter, post=post, user=user, category=category, comment=comment.strip()
    )
    report.full_clean(validate_constraints=False)
    duplicate = ValidationError(
        "You have already reported this "
        + ("post" if post is not None else "person")
        + "; a moderator will look at it.",
        code="duplicate",
    )
    # The conditional unique constraints are the real guard (two requests at once); the check
    # first gives the usual case a clean message without a failed INSERT.
    if Report.objects.filter(
        reporter=reporter, post=post, user=user, status=Report.Status.OPEN
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:
        raise duplicate from error
    return report


@transaction.atomic
def post_remove(*, moderator: User, post: Post, reason: str, report: Report | None = None) -> Post:
    """Hide a post from everyone (it is kept, and can be restored). Resolves the given report and
    every other open report about the post."""
    reason = _clean_reason(reason)
    now = timezone.now()
    replied_to_lock(post)
    # The filtered UPDATE makes two moderators removing the same post at once safe: one wins.
    if not Post.objects.filter(pk=post.pk, removed_at__isnull=True).update(removed_at=now):
        raise ValidationError("This post is already removed.", code="already_removed")
    post.removed_at = now
    replied_to_recount(post)
    author_stats_refresh(author_ids=[post.author_id])
    about_it = Q(post=post)
    if report is not None:
        about_it |= Q(pk=report.pk)
    reports = Report.objects.filter(about_it)
    _close_reports(
        reports=reports, moderator=moderator, status=Report.Status.RESOLVED, reason=reason
    )
    _audit(
        moderator=moderator,
        action=AuditLogEntry.Action.POST_REMOVED,
        reason=reason,
        post=post,
        user=post.author,
        report=report,
    )
    return post


@transaction.atomic
def post_restore(*, moderator: User, post: Post, reason: str) -> Post:
    """Bring a removed post back exactly as it was."""
    reason = _clean_reason(reason)
    replied_to_lock(post)
    if not Post.objects.filter(pk=post.pk, removed_at__isnull=False).update(removed_at=None):
        raise ValidationError("This post is not removed.", code="not_removed")
    post.removed_at = None
    replied_to_recount(post)
    author_stats_refresh(author_ids=[post.author_id])
    _audit(
        moderator=moderator,
        action=AuditLogEntry.Action.POST_RESTORED,
        reason=reason,
        post=post,
        user=post.author,
    )
    return post


@transaction.atomic
def user_suspend(*, moderator: User, user: User, reason: str, report: Report | None = None) -> User:
    """Suspend a person: they cannot log in, their sessions end on their next request (see
    moderation.middleware) and their posts disappear. Resolves the given report and every open
    report about the person or any of their posts. Only an admin may suspend a staff member;
    nobody may suspend themselves."""
    reason = _clean_reason(reason)
    if user.pk == moderator.pk:
        raise ValidationError("You cannot suspend yourself.", code="self")
    if (user.is_staff or user.is_superuser) and not moderator.is_superuser:
        raise ValidationError("Only an admin can suspend a staff member.", code="staff")
    now = timezone.now()
    if not User.objects.filter(pk=user.pk, suspended_at__isnull=True).update(suspended_at=now):
        raise ValidationError(f"@{user.username} is already suspended.", code="already_suspended")
    user.suspended_at = now
    user_visibility_changed.send(sender=User, user=user)
    about_them = Q(user=user) | Q(post__author=user)
    if report is not None:
        about_them |= Q(pk=report.pk)
    reports = Report.objects.filter(about_them)
    _close_reports(
        reports=reports, moderator=moderator, status=Report.Status.RESOLVED, reason=reason
    )
    _audit(
        moderator=moderator,
        action=AuditLogEntry.Action.USER_SUSPENDED,
        reason=reason,
        user=user,
        report=report,
    )
    return user


@transaction.atomic
def user_unsuspend(*, moderator: User, user: User, reason: str) -> User:
    """Lift a suspension: the person can log in again and their posts come back."""
    reason = _clean_reason(reason)
    if not User.objects.filter(pk=user.pk, suspended_at__isnull=False).update(suspended_at=None):
        raise ValidationError(f"@{user.username} is not suspended.", code="not_suspended")
    user.suspended_at = None
    user_visibility_changed.send(sender=User, user=user)
    _audit(
        moderator=moderator,
        action=AuditLogEntry.Action.USER_UNSUSPENDED,
        reason=reason,
        user=user,
    )
    return user


@transaction.atomic
def user_approve(*, moderator: User, user: User, reason: str) -> User:
    """Let in an account that waits for approval (accounts emails the person) and log it."""
    reason = _clean_reason(reason)
    if not user.awaiting_approval:
        raise ValidationError(f"@{user.username} is not waiting for approval.", code="not_pending")
    account_services.user_approve(user=user)
    _audit(
        moderator=moderator,
        action=AuditLogEntry.Action.USER_APPROVED,
        reason=reason,
        user=user,
    )
    return user


@transaction.atomic
def report_dismiss(*, moderator: User, report: Report, reason: str) -> Report:
    """Close a report without acting on its target."""
    reason = _clean_reason(reason)
    if not _close_reports(
        reports=Report.objects.filter(pk=report.pk),
        moderator=moderator,
        status=Report.Status.DISMISSED,
        reason=reason,
    ):
        raise ValidationError("This report is already closed.", code="closed")
    report.refresh_from_db()
    _audit(
        moderator=moderator,
        action=AuditLogEntry.Action.REPORT_DISMISSED,
        reason=reason,
        target_repr=report.target_label,
        post=report.post,
        user=report.user or (report.post.author if report.post_id else None),
        report=report,
    )
    return report


@transaction.atomic
def industry_merge(*, moderator: User, source: Industry, target: Industry, reason: str) -> int:
    """Move every member of `source` to `target`, then delete `source` (the only row moderation
    ever deletes). Returns how many people moved; nobody loses their profile."""
    reason = _clean_reason(reason)
    if source.pk == target.pk:
        raise ValidationError("Choose two different industries.", code="same")
    moved = User.objects.filter(industry=source).update(industry=target)
    target_repr = f"{source.name} → {target.name} ({moved} moved)"
    source.delete()
    _audit(
        moderator=moderator,
        action=AuditLogEntry.Action.INDUSTRY_MERGED,
        reason=reason,
        target_repr=target_repr,
    )
    return moved
