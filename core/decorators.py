"""View decorators of the site's own, and the rule the person-checking middleware reads."""

import logging
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.urls import reverse

from core.responses import safe_next

logger = logging.getLogger(__name__)


def login_required(view):
    """The view is for signed-in people; visitors are sent to log in, then brought back.

    Back to where: for a page (GET), the page itself; for a form or button (a POST, which cannot
    be repeated by a redirect), the page it was on (its `next` field, see `safe_next`), else the
    home page. An htmx request is sent there as a whole page (HX-Redirect) rather than having the
    login form swapped into a button or a list.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        home = reverse("home")
        if request.htmx:
            here = request.htmx.current_url_abs_path or home  # the page the person is on
        else:
            here = request.get_full_path() if request.method in ("GET", "HEAD") else home
        back = here if request.method in ("GET", "HEAD") else safe_next(request, here)
        login = redirect_to_login(back)
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login["Location"]
            return response
        return login

    return wrapped


def checks_person_itself(view):
    """Marks a view that the person-checking middlewares (a suspended person's session ends, a
    pending one sees only the "pending" page) leave alone: it needs no person (the health check,
    which must answer without the session's database; media files) or looks at the signed-in
    person only when it needs to and then checks suspension and approval itself (the home
    page's poll, which answers "nothing new" from a signed token in most requests)."""
    view.checks_person_itself = True
    return view


def middleware_checks_person(view_func) -> bool:
    """Whether the middleware's checks of the signed-in person (suspended, pending) apply."""
    return not getattr(view_func, "checks_person_itself", False)


def skips_connection_health_check(view):
    """For a read-only view asked so often that one round trip matters (the home page's poll, whose
    one query is shorter than the check's round trip): it runs without the health check Django makes
    before each request's first query (CONN_HEALTH_CHECKS). If that query meets a connection the
    database dropped (a restart), the view runs once more on a new connection: what the check would
    have done, paid only when it is needed (a GET or HEAD only, logged as a warning). Every other
    view keeps the check. A connection that never opened (the database is down) is not tried twice.

    Relies on Django's BaseDatabaseWrapper: close_if_unusable_or_obsolete() clears
    health_check_done as each request starts, close_if_health_check_failed() checks before the
    first query unless it is set. Tested in tests/follows/test_poll_connection.py.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        reused = connection.connection is not None
        connection.health_check_done = True
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            dropped = reused and not connection.in_atomic_block and not connection.is_usable()
            if not dropped or request.method not in ("GET", "HEAD"):
                raise  # the query failed, or the database is down: not a dropped connection
            logger.warning("database connection dropped (%s); asking again on a new one", error)
            connection.close()
            return view(request, *args, **kwargs)

    return wrapped
