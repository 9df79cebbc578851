from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil

from core.ratelimit import RateLimited


class RateLimitMiddleware:
    """Answers RateLimited with the 429 page (or, for htmx, a message in the page's flash area)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        wait = timeuntil(timezone.now() + timedelta(seconds=exception.retry_after))
        context = {"retry_after": exception.retry_after, "wait": wait}
        if getattr(request, "htmx", False):
            response = render(request, "partials/rate_limited.html", context, status=429)
            response["HX-Retarget"] = "#flash"
            response["HX-Reswap"] = "innerHTML"
        else:
            response = render(request, "429.html", context, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response
