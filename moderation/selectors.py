from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from moderation.models import Report
from posts.models import Post


def dashboard_counts(*, now=None) -> dict[str, int]:
    """The figures on the admin index: open reports, accounts waiting for approval, and posts and
    sign-ups in the last day."""
    since = (now or timezone.now()) - timedelta(days=1)
    return {
        "open_reports": Report.objects.filter(status=Report.Status.OPEN).count(),
        "pending_signups": User.objects.filter(awaiting_approval=True).count(),
        "posts_last_day": Post.objects.filter(created_at__gte=since).count(),
        "signups_last_day": User.objects.filter(date_joined__gte=since).count(),
    }
