"""View decorators of the site's own."""


def checks_person_itself(view):
    """Marks a view that looks at the signed-in person only when it needs to, and then checks
    suspension and approval itself: the middleware that would end a suspended person's session
    or show the "pending" page leaves the session and user unread for it.

    For the home page's poll, which answers "nothing new" from a signed token in most requests.
    """
    view.checks_person_itself = True
    return view
