"""View decorators of the site's own, and the rule the person-checking middleware reads."""

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
