from security.services import known_browser_remember


class KnownBrowserMiddleware:
    """After a login (`security.receivers` marks the request), the browser gets the cookie that
    makes it a known browser of that account: every way of signing in ends in Django's login(),
    and only here is the response at hand."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "known_browser_for", None)
        if user is not None:
            known_browser_remember(response, user)
        return response
