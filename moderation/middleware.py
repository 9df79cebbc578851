from django.contrib import messages
from django.contrib.auth import logout

from core.decorators import middleware_checks_person
from core.middleware import ViewHookMiddleware


class EndSuspendedSessionsMiddleware(ViewHookMiddleware):
    """Logs a suspended person out on their next request to a page, whichever device it comes
    from (views marked `checks_person_itself`, the home page's poll, answer them themselves).

    Suspending someone only sets User.suspended_at; this makes it end every session at once
    without searching the session store (the login form already refuses suspended people).
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not middleware_checks_person(view_func):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.suspended_at is not None:
            logout(request)
            messages.error(request, "Your account is suspended.")
        return None
