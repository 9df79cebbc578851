"""Prometheus metrics at /metrics, through prometheus_client (the Prometheus project's own Python
client): requests and their latency by URL pattern (counted by core.logs.RequestLogMiddleware,
beside its log line), and the task queue read from the database at each scrape.

Under gunicorn every worker process counts its own requests; gunicorn.conf.py points
PROMETHEUS_MULTIPROC_DIR at a fresh folder before the workers start, so that the client keeps the
counts in files there and a scrape of any worker adds up all of them.

Only addresses in METRICS_ALLOWED (nobody by default) may read /metrics; anyone else gets a 404,
as if it did not exist.
"""

import ipaddress
import os

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from core import tasks
from core.decorators import checks_person_itself
from core.ratelimit import client_ip

REQUESTS = Counter("microblog_requests", "Requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "microblog_request_duration_seconds",
    "Time to answer a request, by URL pattern",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


# Each (method, route, status)'s two children, found once: `labels()` takes a lock and builds
# a key each call, half the cost of counting a request. Bounded: URL patterns, not paths.
_children: dict[tuple[str, str, int], tuple] = {}


def request_count(*, method: str, route: str, status: int, seconds: float) -> None:
    key = (method, route, status)
    children = _children.get(key)
    if children is None:
        children = _children[key] = (
            REQUESTS.labels(method, route, str(status)),
            LATENCY.labels(route),
        )
    children[0].inc()
    children[1].observe(seconds)


class QueueCollector:
    """The task queue as gauges, read when Prometheus scrapes (core.tasks.queue_status)."""

    def describe(self):
        # Nothing to read when registered (at import, before the database may be there).
        return []

    def collect(self):
        try:
            queue = tasks.queue_status()
        except DatabaseError:
            return
        gauges = {
            "microblog_tasks_waiting": ("Tasks due and not yet taken", queue["waiting"]),
            "microblog_tasks_oldest_waiting_seconds": (
                "How long the oldest waiting task has waited",
                queue["oldest_seconds"],
            ),
            "microblog_tasks_failed": (
                "Tasks that failed for good (listed in the admin)",
                queue["failed"],
            ),
        }
        seen = queue["worker_seen_seconds"]
        if seen is not None:
            gauges["microblog_worker_seen_seconds_ago"] = ("Since a worker's last heartbeat", seen)
        for name, (documentation, value) in gauges.items():
            yield GaugeMetricFamily(name, documentation, value=value)


_queue_registry = CollectorRegistry()
_queue_registry.register(QueueCollector())


def _allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED)


@require_GET
@never_cache
@checks_person_itself
def metrics(request):
    if not _allowed(client_ip(request)):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    body = generate_latest(processes) + generate_latest(_queue_registry)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
