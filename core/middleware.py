from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil

from core.ratelimit import RateLimited
from core.responses import flash_fragment


def rate_limited_message(wait: str) -> str:
    return f"You have done that too many times in a short while. Please try again in {wait}."


class ViewHookMiddleware:
    """A middleware that only hooks into the view's run (process_view, process_exception) and
    passes the request on unchanged: no per-request work of its own, as the poll needs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class RateLimitMiddleware(ViewHookMiddleware):
    """Answers RateLimited, raised by a service whichever front end called it, with the 429 page
    (or, for htmx, the message in the page's flash area) and a Retry-After header."""

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        wait = timeuntil(timezone.now() + timedelta(seconds=exception.retry_after))
        message = rate_limited_message(wait)
        if getattr(request, "htmx", False):
            response = flash_fragment(request, message, status=429)
        else:
            response = render(request, "429.html", {"message": message}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response
