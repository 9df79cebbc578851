"""Moderation actions for other apps' admin pages (posts, people, industries).

Each is an ordinary admin action, (modeladmin, request, queryset), that first shows a confirmation
page asking for a Reason (Django's intermediate-page pattern, as in delete_selected), then calls a
moderation service once per selected object. moderation.admin offers them to the
PostAdmin, UserAdmin and IndustryAdmin (core.admin.admin_offer), so accounts and posts need not
import moderation. Each checks its permission again (`require_perm`): the admin lists an action
only for people allowed it, and a hand-made POST must not get further.
"""

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from accounts.models import Industry
from moderation.forms import ReasonForm
from moderation.models import post_snapshot
from moderation.services import (
    industry_merge,
    post_remove,
    post_restore,
    user_approve,
    user_suspend,
    user_unsuspend,
)

CONFIRM_TEMPLATE = "moderation/admin/confirm_action.html"


def require_perm(request, perm: str) -> None:
    # The admin shows an action only to people allowed to use it; this is the second lock, for a
    # hand-made POST.
    if not request.user.has_perm(perm):
        raise PermissionDenied


def confirm_with_reason(
    modeladmin,
    request,
    queryset,
    *,
    action: str,
    title: str,
    intro: str,
    items: Iterable[str],
    perform: Callable[[dict], None],
    form_class: type[forms.Form] = ReasonForm,
    form_kwargs: dict | None = None,
):
    """Show the confirmation page with a Reason field; once confirmed with a valid form, call
    perform(cleaned_data) and return None, which sends the admin back to the change list."""
    confirmed = request.POST.get("confirm") == "yes"
    form = form_class(request.POST if confirmed else None, **(form_kwargs or {}))
    if confirmed and form.is_valid():
        perform(form.cleaned_data)
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "intro": intro,
        "items": list(items),
        "form": form,
        "action": action,
        "selected": [obj.pk for obj in queryset],
        "opts": opts,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, CONFIRM_TEMPLATE, context)


def run_each(modeladmin, request, objects, service, *, describe, done: str, **kwargs) -> int:
    """Call `service` for each object; report successes in one message and each refusal beside
    the object's name. Returns how many succeeded."""
    count = 0
    for obj in objects:
        try:
            service(**kwargs, **{describe[0]: obj})
        except ValidationError as error:
            modeladmin.message_user(
                request, f"{describe[1](obj)}: {' '.join(error.messages)}", messages.WARNING
            )
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done.format(count=count), messages.SUCCESS)
    return count


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _reasoned_action(
    *, name, description, permission, service, target, noun, label, title, intro, done, related=()
):
    """An admin action on the selected rows: a Reason + Confirm page, then `service` on each,
    which writes its own audit row. `target` is the service's keyword for the row, `label`
    names a row in lists and messages, and `intro` may say "{selected}" ("3 posts")."""

    @admin.action(description=description)
    def action(modeladmin, request, queryset):
        require_perm(request, f"moderation.{permission}")
        rows = list(queryset.select_related(*related) if related else queryset)

        def perform(data):
            run_each(
                modeladmin,
                request,
                rows,
                service,
                describe=(target, label),
                done=done,
                moderator=request.user,
                reason=data["reason"],
            )

        return confirm_with_reason(
            modeladmin,
            request,
            queryset,
            action=name,
            title=title,
            intro=intro.format(selected=_plural(len(rows), noun)),
            items=[label(row) for row in rows],
            perform=perform,
        )

    action.__name__ = name
    return action


def _person(user) -> str:
    return f"@{user.username}"


remove_posts = _reasoned_action(
    name="remove_posts",
    description="Remove selected posts",
    permission="remove_post",
    service=post_remove,
    target="post",
    noun="post",
    label=post_snapshot,
    related=["author"],
    title="Remove posts",
    intro="Remove {selected}? Nobody but the author will see them; you can restore them later.",
    done="Removed {count} post(s).",
)
restore_posts = _reasoned_action(
    name="restore_posts",
    description="Restore selected posts",
    permission="remove_post",
    service=post_restore,
    target="post",
    noun="post",
    label=post_snapshot,
    related=["author"],
    title="Restore posts",
    intro="Restore {selected}? They come back exactly as they were.",
    done="Restored {count} post(s).",
)
suspend_users = _reasoned_action(
    name="suspend_users",
    description="Suspend selected users",
    permission="suspend_user",
    service=user_suspend,
    target="user",
    noun="person",
    label=_person,
    title="Suspend people",
    intro="Suspend these people? They are logged out at once, cannot log in, and their posts "
    "disappear until you unsuspend them.",
    done="Suspended {count} person(s). They are logged out and their posts are hidden.",
)
unsuspend_users = _reasoned_action(
    name="unsuspend_users",
    description="Unsuspend selected users",
    permission="suspend_user",
    service=user_unsuspend,
    target="user",
    noun="person",
    label=_person,
    title="Unsuspend people",
    intro="Unsuspend these people? They can log in again and their posts come back.",
    done="Unsuspended {count} person(s).",
)
approve_users = _reasoned_action(
    name="approve_users",
    description="Approve selected users (with a reason)",
    permission="approve_user",
    service=user_approve,
    target="user",
    noun="person",
    label=_person,
    title="Approve people",
    intro="Let these people in? Each gets an email saying their account is approved.",
    done="Approved {count} person(s). They get an email and can use the site now.",
)


class MergeIndustriesForm(ReasonForm):
    target = forms.ModelChoiceField(
        label="Merge into",
        queryset=Industry.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the industry to keep."},
    )
    field_order = ["target", "reason"]

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = sources
        self.fields["target"].queryset = Industry.objects.all()

    def clean_target(self):
        target = self.cleaned_data["target"]
        if all(source.pk == target.pk for source in self.sources):
            raise ValidationError("Choose an industry other than the one you merge.")
        return target


@admin.action(description="Merge selected industries into another")
def merge_industries(modeladmin, request, queryset):
    # Merging deletes the merged rows, so it needs both change and delete permissions (admins).
    require_perm(request, "accounts.change_industry")
    require_perm(request, "accounts.delete_industry")
    sources = list(queryset)

    def perform(data):
        target = data["target"]
        for source in sources:
            if source.pk == target.pk:
                continue
            moved = industry_merge(
                moderator=request.user, source=source, target=target, reason=data["reason"]
            )
            modeladmin.message_user(
                request,
                f"Merged {source.name} into {target.name}: {_plural(moved, 'profile')} moved.",
                messages.SUCCESS,
            )

    return confirm_with_reason(
        modeladmin,
        request,
        queryset,
        action="merge_industries",
        title="Merge industries",
        intro="Everyone in these industries moves to the one you choose; then these are deleted.",
        items=[
            f"{industry.name} ({_plural(industry.members.count(), 'member')})"
            for industry in sources
        ],
        perform=perform,
        form_class=MergeIndustriesForm,
        form_kwargs={"sources": sources},
    )


class SuspendedFilter(admin.SimpleListFilter):
    title = "suspension"
    parameter_name = "suspended"

    def lookups(self, request, model_admin):
        return [("yes", "Suspended"), ("no", "Not suspended")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(suspended_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(suspended_at__isnull=True)
        return queryset


class RemovedFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "removed"

    def lookups(self, request, model_admin):
        return [("no", "Visible"), ("yes", "Removed by moderators")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(removed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(removed_at__isnull=True)
        return queryset
