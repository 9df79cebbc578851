"""What the apps' admins share."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IS_POPUP_VAR, ActionLocation
from django.core import checks
from django.tasks import task_backends
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from django_tasks_redis.admin import RedisTaskAdmin
from django_tasks_redis.models import RedisTask
from django_tasks_redis.utils import deserialize_json

from core import tasks


class ViewOnlyAdminMixin:
    """An admin that shows rows and changes none: they are written by the services (and their
    counts, timelines and audit trail with them), never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Admin actions and list filters that an app offers for another app's model, by model.
_offered: dict[type, dict] = {}


def admin_offer(model, *, actions=(), list_filter=()) -> None:
    """Offer admin actions and list filters for `model`, whose app's admin class uses
    `OfferedAdminMixin`. `actions` are (action, permissions) pairs: the action is listed for
    people who hold all those permissions (and should check them again itself).

    For the moderation app, which acts on posts, people and industries while their apps may not
    import it: it offers its actions here, in its admin module."""
    offered = _offered.setdefault(model, {"actions": [], "list_filter": []})
    offered["actions"] += list(actions)
    offered["list_filter"] += [item for item in list_filter if item not in offered["list_filter"]]


class OfferedAdminMixin:
    """For the admin of a model that other apps act on: the actions and list filters offered
    for it with `admin_offer` join the admin's own, each action for the people allowed it."""

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for func, permissions in _offered.get(self.model, {}).get("actions", ()):
            action = self.get_action(func, action_location)
            if action is not None and request.user.has_perms(permissions):
                actions[action.name] = action
        return actions

    def get_list_filter(self, request):
        offered = _offered.get(self.model, {}).get("list_filter", ())
        return [*super().get_list_filter(request), *offered]


@checks.register(checks.Tags.admin)
def offers_are_taken(app_configs, **kwargs):
    """An offer made to an admin without `OfferedAdminMixin` would be lost without a word."""
    return [
        checks.Error(
            f"{model._meta.label} is offered admin actions, but its admin does not take them.",
            hint="Add core.admin.OfferedAdminMixin to the bases of its ModelAdmin.",
            id="core.E001",
        )
        for model in _offered
        if not isinstance(admin.site._registry.get(model), OfferedAdminMixin)
    ]


# --- background tasks ---------------------------------------------------------------------------


class TaskAdmin(DBTaskResultAdmin):
    """django-tasks-db's list of tasks (filter by status "Failed" for those that failed for
    good), with each one's attempts and error, and an action to run failed ones again."""

    list_display = (
        "task_name",
        "status",
        "attempts",
        "error",
        "enqueued_at",
        "finished_at",
        "queue_name",
    )
    actions = ["retry"]

    @admin.display(description="attempts")
    def attempts(self, obj) -> int:
        return len(obj.worker_ids)

    @admin.display(description="error")
    def error(self, obj) -> str:
        return obj.exception_class_path.rsplit(".", 1)[-1] if obj.exception_class_path else ""

    def has_retry_permission(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(permissions=["retry"], description="Retry the selected failed tasks")
    def retry(self, request, queryset):
        retried = tasks.retry_now(queryset)
        self.message_user(
            request,
            f"{retried} task{'s' if retried != 1 else ''} queued again"
            + ("" if retried == queryset.count() else " (only failed tasks are retried)."),
            messages.SUCCESS,
        )


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskAdmin)


class QueuedTaskAdmin(RedisTaskAdmin):
    """django-tasks-redis's list of the tasks queued in Redis (shown only when that is the
    queue), with each one's attempts and last error, and an action to queue failed ones again
    (the library's own runs them inside the admin's request, which is the worker's job)."""

    list_display = (
        "task_path_short",
        "status_badge",
        "attempts",
        "error",
        "get_enqueued_at",
        "get_queue_name",
        "id_short",
    )
    actions = ["retry", "delete_selected_tasks"]

    def has_module_permission(self, request):
        return tasks.queued_in_redis() and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return tasks.queued_in_redis() and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return tasks.queued_in_redis() and super().has_delete_permission(request, obj)

    def has_retry_permission(self, request) -> bool:
        return tasks.queued_in_redis() and self.has_run_permission(request)

    @staticmethod
    def _errors(obj) -> list:
        return deserialize_json(obj.errors_json or "[]") or []

    @admin.display(description="attempts")
    def attempts(self, obj) -> int:
        return len(self._errors(obj)) + (obj.status == "SUCCESSFUL")

    @admin.display(description="error")
    def error(self, obj) -> str:
        errors = self._errors(obj)
        return errors[-1]["exception_class_path"].rsplit(".", 1)[-1] if errors else ""

    @admin.action(permissions=["retry"], description="Retry the selected failed tasks")
    def retry(self, request, queryset):
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        retried = tasks.redis_retry_now(task_backends["default"], selected)
        self.message_user(
            request,
            f"{retried} task{'s' if retried != 1 else ''} queued again"
            + ("" if retried == len(selected) else " (only failed tasks are retried)."),
            messages.SUCCESS,
        )


admin.site.unregister(RedisTask)
admin.site.register(RedisTask, QueuedTaskAdmin)
