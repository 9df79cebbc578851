"""Rate limits counted where every worker sees them: in the database, or in Redis when
REDIS_URL is set.

A limit is a number of actions per period for one key (a person or an address), counted in fixed
windows. The services count their actions (`rate_limit_hit`), so every front end that calls them
is limited alike. Over the limit, `RateLimited` is raised; core.middleware answers it with the
429 page.
Limits are configured in settings.RATE_LIMITS, e.g. {"post": "300/3h"}, and each can be
overridden by an environment variable such as RATE_LIMIT_POST=100/1h.
"""

import ipaddress
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from core.models import RateLimitWindow

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


def counted(scope: str, key):
    """Service decorator: each call counts against the `scope` limit of `key(kwargs)` (see
    `per_person`, `per_address`) before the service runs, and outside its transaction: an
    attempt counts whatever its outcome (a refused sign-up has told whether a name is taken),
    and the count's row is not held, blocking the same person's next action, while the service
    works. Over the limit, RateLimited and the service does not run."""

    def decorator(service):
        @wraps(service)
        def wrapped(*args, **kwargs):
            rate_limit_hit(scope=scope, key=key(kwargs))
            return service(*args, **kwargs)

        return wrapped

    return decorator


def per_person(argument: str):
    """The key of the person a service's keyword `argument` names."""
    return lambda kwargs: f"user:{kwargs[argument].pk}"


def per_address(argument: str):
    """The key of the address a service's keyword `argument` gives."""
    return lambda kwargs: f"ip:{kwargs[argument]}"


def rate_limit_hit(*, scope: str, key: str) -> None:
    """Count one action by `key` under `scope`; raise RateLimited when it is one too many.

    Inside a transaction (counted in the database, without Redis), the count is part of it:
    an action that rolls back is not counted, and the count's row stays locked until the end.
    Services count their attempts before their transaction (`counted`); those that count only
    what they create (a new follow, a new block) count inside it."""
    rate = rate_for(scope)
    now = time.time()
    window = int(now // rate.period)
    count = _count(f"ratelimit:{scope}:{key}:{window}", lifetime=rate.period + 60)
    if count > rate.limit:
        raise RateLimited(scope, retry_after=max(1, int((window + 1) * rate.period - now)))


def _count(window_key: str, *, lifetime: int) -> int:
    """Add one to a window's count and return the new count, atomically: requests arriving at
    the same moment on different workers each get their own number."""
    if not settings.REDIS_URL:
        return _count_in_database(window_key, lifetime=lifetime)
    # Redis: add() creates the window (SET NX), incr() is INCR.
    if cache.add(window_key, 1, timeout=lifetime):
        return 1
    try:
        return cache.incr(window_key)
    except ValueError:  # the window expired between add() and incr()
        cache.add(window_key, 1, timeout=lifetime)
        return 1


# One statement that creates the window's row or adds one to it, and reads the result: the
# database cache's incr() reads and writes in two steps, so concurrent requests would lose counts.
_UPSERT = (
    "INSERT INTO {table} ({key}, {count}, {expires_at}) VALUES (%s, 1, %s) "
    "ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}"
)


def _count_in_database(window_key: str, *, lifetime: int) -> int:
    quote = connection.ops.quote_name
    sql = _UPSERT.format(
        table=quote(RateLimitWindow._meta.db_table),
        key=quote("key"),
        count=quote("count"),
        expires_at=quote("expires_at"),
    )
    now = timezone.now()
    expires_at = connection.ops.adapt_datetimefield_value(now + timedelta(seconds=lifetime))
    with connection.cursor() as cursor:
        cursor.execute(sql, [window_key, expires_at])
        (count,) = cursor.fetchone()
    if count == 1:
        # A new window began: clear the expired ones (a range of the expiry index), once the
        # action's transaction is over, so no one waits on the rows it would lock.
        expired = RateLimitWindow.objects.filter(expires_at__lt=now)
        transaction.on_commit(expired.delete)
    return count


def client_ip(request) -> str:
    # Behind a reverse proxy every request comes from the proxy; trust X-Forwarded-For only when
    # the deployment says a proxy sets it (its last entry is the address the proxy saw).
    # Anything but an address is ignored: the address is part of rate limit keys.
    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        if _is_address(forwarded):
            return forwarded
    address = request.META.get("REMOTE_ADDR", "")
    return address if _is_address(address) else "unknown"


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
