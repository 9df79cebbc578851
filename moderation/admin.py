"""The moderation panel: the reports queue and the audit log, plus the moderation actions offered
to the Post, User and Industry admins registered by their own apps."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from accounts.models import Industry, User
from conversations import selectors as conversations
from core.admin import ViewOnlyAdminMixin, admin_offer
from moderation.admin_actions import (
    RemovedFilter,
    SuspendedFilter,
    approve_users,
    confirm_with_reason,
    merge_industries,
    remove_posts,
    require_perm,
    restore_posts,
    suspend_users,
    unsuspend_users,
)
from moderation.models import AuditLogEntry, Report
from moderation.services import post_remove, report_dismiss, user_suspend
from posts.models import Post

REPORT_ACTIONS = {
    "remove_reported_posts": "Remove post",
    "suspend_reported_authors": "Suspend author",
    "dismiss_reports": "Dismiss",
}


def _report_item(report: Report) -> str:
    return f"Report #{report.pk} ({report.get_category_display()}): {report.target_label}"


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "reported",
        "category",
        "short_comment",
        "reporter",
        "status",
        "created_at",
    ]
    list_display_links = ["id", "reported"]
    list_filter = ["status", "category"]
    search_fields = [
        "comment",
        "reporter__username",
        "post__text",
        "post__author__username",
        "user__username",
    ]
    list_select_related = ["reporter", "post__author", "user"]
    # Open reports first, newest first within each status.
    ordering = [Case(When(status="open", then=Value(0)), default=Value(1)).asc(), "-id"]
    actions = list(REPORT_ACTIONS)
    fields = [
        "reported",
        "reported_text",
        "conversation",
        "category",
        "comment",
        "reporter",
        "created_at",
        "status",
        "handled_by",
        "handled_at",
        "resolution_note",
    ]
    readonly_fields = fields
    change_form_template = "admin/moderation/report/change_form.html"

    @admin.display(description="reported")
    def reported(self, report):
        return report.target_label

    @admin.display(description="reported post text")
    def reported_text(self, report):
        if report.post_id:
            return report.post.text or "(a repost)"
        return f"{report.user.name} — {report.user.bio}" if report.user.bio else report.user.name

    @admin.display(description="conversation")
    def conversation(self, report):
        """A reported message comes with its conversation up to the report: the only way
        staff read messages."""
        if not report.post_id:
            return "-"
        messages = conversations.reported_conversation(post=report.post, until=report.created_at)
        if not messages:
            return "-"
        lines = format_html_join(
            "",
            "<li><strong>@{}</strong> ({}): {}</li>",
            (
                (m.author.username, date_format(m.created_at, "j M Y, H:i"), m.text)
                for m in messages
            ),
        )
        return format_html('<ol class="reported-conversation">{}</ol>', lines)

    @admin.display(description="comment")
    def short_comment(self, report):
        return Truncator(report.comment).chars(80)

    # Reports come from people (the Report link), and nothing in moderation is ever deleted.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_remove_post_permission(self, request):
        return request.user.has_perm("moderation.remove_post")

    def has_suspend_user_permission(self, request):
        return request.user.has_perm("moderation.suspend_user")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        available = self.get_actions(request)
        buttons = []
        if report is not None and report.is_open:
            buttons = [
                (name, label)
                for name, label in REPORT_ACTIONS.items()
                if name in available and (name != "remove_reported_posts" or report.post_id)
            ]
        extra_context = {
            **(extra_context or {}),
            "report_actions": buttons,
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _act_on_reports(self, request, queryset, *, action, title, intro, target, act, done):
        """Confirm with a reason, then act once per distinct thing the selected open reports
        are about: `target(report)` is that thing (None: this action does not apply to the
        report, which stays open), `act(report, thing, reason)` calls the service."""
        reports = list(queryset.select_related("post__author", "user"))

        def warn(report, text):
            self.message_user(request, f"Report #{report.pk}: {text}", messages.WARNING)

        def perform(data):
            count, seen = 0, set()
            for report in reports:
                thing = target(report)
                if not report.is_open:
                    warn(report, "already closed.")
                elif thing is None:
                    warn(report, "it is about a person, not a post; left open.")
                elif thing.pk not in seen:
                    seen.add(thing.pk)
                    try:
                        act(report, thing, data["reason"])
                    except ValidationError as error:
                        warn(report, " ".join(error.messages))
                    else:
                        count += 1
            if count:
                self.message_user(request, done.format(count=count), messages.SUCCESS)

        return confirm_with_reason(
            self,
            request,
            queryset,
            action=action,
            title=title,
            intro=intro,
            items=[_report_item(report) for report in reports],
            perform=perform,
        )

    @admin.action(description="Remove post", permissions=["remove_post"])
    def remove_reported_posts(self, request, queryset):
        require_perm(request, "moderation.remove_post")
        return self._act_on_reports(
            request,
            queryset,
            action="remove_reported_posts",
            title="Remove reported posts",
            intro="Remove the reported posts? Nobody but their authors will see them; every open "
            "report about them is resolved.",
            target=lambda report: report.post,
            act=lambda report, post, reason: post_remove(
                moderator=request.user, post=post, reason=reason, report=report
            ),
            done="Removed {count} post(s) and resolved their reports.",
        )

    @admin.action(description="Suspend author", permissions=["suspend_user"])
    def suspend_reported_authors(self, request, queryset):
        require_perm(request, "moderation.suspend_user")
        return self._act_on_reports(
            request,
            queryset,
            action="suspend_reported_authors",
            title="Suspend reported people",
            intro="Suspend the people reported (or who wrote the reported posts)? They are logged "
            "out at once and their posts disappear until someone unsuspends them.",
            target=lambda report: report.user if report.user_id else report.post.author,
            act=lambda report, person, reason: user_suspend(
                moderator=request.user, user=person, reason=reason, report=report
            ),
            done="Suspended {count} person(s) and resolved the reports about them.",
        )

    @admin.action(description="Dismiss", permissions=["change"])
    def dismiss_reports(self, request, queryset):
        return self._act_on_reports(
            request,
            queryset,
            action="dismiss_reports",
            title="Dismiss reports",
            intro="Dismiss these reports without acting on what they report?",
            target=lambda report: report,
            act=lambda report, _report, reason: report_dismiss(
                moderator=request.user, report=report, reason=reason
            ),
            done="Dismissed {count} report(s).",
        )


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the audit trail is append-only."""

    list_display = ["created_at", "moderator_username", "action", "target_repr", "reason"]
    list_filter = ["action", "created_at"]
    search_fields = ["target_repr", "reason", "moderator_username"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "moderator_username",
        "action",
        "target_repr",
        "target_post",
        "target_user",
        "report",
        "reason",
    ]
    readonly_fields = fields


# Posts, people and industries are registered by their own apps, whose admin classes take the
# actions and filters offered here (core.admin.OfferedAdminMixin): those apps never import
# moderation.
REMOVE_POST = ("moderation.remove_post",)
admin_offer(
    Post,
    actions=[(remove_posts, REMOVE_POST), (restore_posts, REMOVE_POST)],
    list_filter=[RemovedFilter],
)
admin_offer(
    User,
    actions=[
        (suspend_users, ("moderation.suspend_user",)),
        (unsuspend_users, ("moderation.suspend_user",)),
        (approve_users, ("moderation.approve_user",)),
    ],
    list_filter=[SuspendedFilter],
)
# Merging deletes the merged rows: it takes both change and delete permissions (admins).
admin_offer(
    Industry,
    actions=[(merge_industries, ("accounts.change_industry", "accounts.delete_industry"))],
)
