from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin
from django.utils.timesince import timeuntil

from core.ratelimit import RateLimited
from core.responses import flash_fragment


def rate_limited_message(wait: str) -> str:
    return f"You have done that too many times in a short while. Please try again in {wait}."


class RateLimitMiddleware(MiddlewareMixin):
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
