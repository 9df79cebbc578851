"""Structured logs: one JSON object a line on standard output, for Django and gunicorn alike;
each request is also counted for the metrics (core.metrics).

Request lines carry the URL *pattern* (e.g. "accounts/reset/<uidb64>/<token>/"), never the path or
query string, and no address, name or form data, so tokens and personal data stay out of the logs.
"""

import json
import logging
import time

from django.conf import settings

request_logger = logging.getLogger("microblog.request")
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and key != "request" and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RequestLogMiddleware:
    """One log line per request: method, route pattern, status, duration."""

    def __init__(self, get_response):
        # Here, not at the top: this module is loaded with the logging settings, before the apps
        # that core.metrics reads are ready.
        from core.metrics import request_count

        self.get_response = get_response
        self.count = request_count

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        route = _route(request)
        request_logger.info(
            "request",
            extra={
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "htmx": request.headers.get("HX-Request") == "true",
            },
        )
        # A method outside HTTP's few would be a label per value sent: counted as one.
        method = request.method if request.method in _METHODS else "other"
        self.count(method=method, route=route, status=response.status_code, seconds=seconds)
        return response


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return "/" + match.route
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "(static)"
    return "(unmatched)"
