"""Rate limits kept in the shared cache (the database, or Redis when REDIS_URL is set).

A limit is a number of actions per period for one key (a person or an address), counted in fixed
windows. Over the limit, `RateLimited` is raised; the middleware answers it with the 429 page.
Limits are configured in settings.RATE_LIMITS, e.g. {"post": "300/3h"}, and each can be
overridden by an environment variable such as RATE_LIMIT_POST=100/1h.
"""

import re
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """'300/3h' means 300 actions every 3 hours."""
        match = _RATE.match(text.strip())
        if not match:
            raise ValueError(f"A rate looks like 300/3h or 25/5m, not {text!r}")
        count, amount, unit = match.groups()
        return cls(limit=int(count), period=int(amount or 1) * _UNITS[unit])


class RateLimited(Exception):
    def __init__(self, scope: str, retry_after: int):
        super().__init__(f"rate limit {scope!r} exceeded; retry in {retry_after}s")
        self.scope = scope
        self.retry_after = retry_after


def rate_for(scope: str) -> Rate:
    return Rate.parse(settings.RATE_LIMITS[scope])


def rate_limit_hit(*, scope: str, key: str) -> None:
    """Count one action by `key` under `scope`; raise RateLimited when it is one too many."""
    rate = rate_for(scope)
    now = time.time()
    window = int(now // rate.period)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=rate.period + 60):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window expired between add() and incr()
            cache.add(cache_key, 1, timeout=rate.period + 60)
            count = 1
    if count > rate.limit:
        raise RateLimited(scope, retry_after=max(1, int((window + 1) * rate.period - now)))


def client_ip(request) -> str:
    # Behind a reverse proxy every request comes from the proxy; trust X-Forwarded-For only when
    # the deployment says a proxy sets it (its last entry is the address the proxy saw).
    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def request_key(request) -> str:
    """The signed-in person, or the client's address for visitors."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"


def rate_limit(scope: str, *, methods: tuple[str, ...] = ("POST",)):
    """View decorator: count each request with one of `methods` against the limit `scope`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                rate_limit_hit(scope=scope, key=request_key(request))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
