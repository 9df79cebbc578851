"""View decorators of the site's own, and the rule the person-checking middleware reads."""

from functools import wraps

from django.db import connection

# Paths that never need the person, so /healthz answers without the session's database.
PATHS_WITHOUT_PERSON = ("/static/", "/media/", "/healthz", "/favicon.ico")


def checks_person_itself(view):
    """Marks a view that looks at the signed-in person only when it needs to, and then checks
    suspension and approval itself: the middleware that would end a suspended person's session
    or show the "pending" page leaves the session and user unread for it.

    For the home page's poll, which answers "nothing new" from a signed token in most requests.
    """
    view.checks_person_itself = True
    return view


def middleware_checks_person(request, view_func) -> bool:
    """Whether the middleware's checks of the signed-in person (suspended, pending) apply."""
    if request.path.startswith(PATHS_WITHOUT_PERSON):
        return False
    return not getattr(view_func, "checks_person_itself", False)


def skips_connection_health_check(view):
    """For a view that may fail now and then at no cost (the home page's poll: htmx ignores a
    failed answer and asks again): it uses the worker's database connection without the health
    check Django runs first in each request (CONN_HEALTH_CHECKS, one round trip, a fifth of the
    poll's time).

    If the database dropped the connection (a restart), this view's query fails and answers 503;
    Django closes a connection whose query failed when the request ends, so the next request
    connects afresh. Every other view keeps the check and never sees the dead connection.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # Django resets this when each request starts, and checks before the first query.
        connection.health_check_done = True
        return view(request, *args, **kwargs)

    return wrapped
