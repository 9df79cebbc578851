from django.shortcuts import redirect
from django.urls import reverse

from core.decorators import middleware_checks_person
from core.middleware import ViewHookMiddleware


class PendingApprovalMiddleware(ViewHookMiddleware):
    """People whose account waits for a moderator may log in, but see only the "pending" page.

    This is what Mastodon does: they know their sign-up worked, and can log out, change their
    password, download or delete what they gave us.
    """

    ALLOWED_URL_NAMES = (
        "accounts:pending",
        "security:logout",
        "security:password_change",
        "security:password_change_done",
        "accounts:data",
        "accounts:export_json",
        "accounts:export_csv",
        "accounts:delete",
    )

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Checked first, so /healthz answers without the session (and its database) when the
        # database is down.
        if not middleware_checks_person(view_func):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.awaiting_approval:
            allowed = {reverse(name) for name in self.ALLOWED_URL_NAMES}
            if request.path not in allowed:
                response = redirect("accounts:pending")
                if getattr(request, "htmx", False):
                    response["HX-Redirect"] = response["Location"]
                return response
        return None
