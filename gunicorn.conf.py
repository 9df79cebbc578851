"""gunicorn settings, read automatically from the working directory.

Requests are logged by Django (core.logs) as JSON without addresses or paths, so gunicorn's
own access log stays off; its error log goes to standard output as JSON too.
"""

import os
import shutil
import tempfile
from pathlib import Path

# Each worker process counts its own requests for /metrics; set before the workers import the
# Prometheus client, this folder holds their counts so that any worker can add them all up. It
# starts empty (counts of an earlier run would be added in) and a folder made here goes at exit.
# In memory (/dev/shm) where there is one: the counts are memory-mapped files written at every
# request, and on a disk the kernel would keep writing them back (the new-posts check, 2,000
# requests a second, lost 5% to it on disk and 4% in memory; 2% without metrics).
_made_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _made_metrics_dir:
    _shm = "/dev/shm"  # noqa: S108 (mkdtemp makes a new private folder inside it)
    _in_memory = _shm if os.access(_shm, os.W_OK) else None
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix="microblog-metrics-", dir=_in_memory
    )
for _stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
    _stale.unlink()


def on_exit(server):
    if _made_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}
