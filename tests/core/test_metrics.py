"""Prometheus metrics at /metrics: requests and latency by URL pattern, the task queue, only for
the configured addresses; under gunicorn, the counts of every worker process added up."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import UserFactory
from tests.queue import DATABASE_QUEUE

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _prometheus_here(settings):
    settings.METRICS_ALLOWED = ["127.0.0.1/32"]  # the test client's address


def test_nobody_may_read_it_unless_configured(client, settings):
    settings.METRICS_ALLOWED = []

    assert client.get("/metrics").status_code == 404


def samples(text: str) -> dict:
    """{(name, frozenset(labels)): value} of a scrape, as Prometheus would read it."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def requests_counted(found: dict, route: str, status: str = "200") -> float:
    return sum(
        value
        for (name, labels), value in found.items()
        if name == "microblog_requests_total"
        and ("route", route) in labels
        and ("status", status) in labels
    )


def test_requests_are_counted_by_url_pattern_never_by_path(client):
    maya = UserFactory(username="maya")
    before = requests_counted(
        samples(client.get("/metrics").content.decode()), "/@<username:username>/"
    )
    for _ in range(3):
        client.get(f"/@{maya.username}/")

    scrape = client.get("/metrics")

    assert scrape.status_code == 200
    assert scrape["Content-Type"].startswith("text/plain")
    text = scrape.content.decode()
    assert requests_counted(samples(text), "/@<username:username>/") == before + 3
    assert "/@maya/" not in text  # the path, with its name, is never a label
    assert "microblog_request_duration_seconds_bucket" in text


@task
def idle() -> None:
    """Queued, never run here."""


def test_the_queue_is_reported(client, settings):
    settings.TASKS = DATABASE_QUEUE
    idle.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=30))

    found = samples(client.get("/metrics").content.decode())

    assert found[("microblog_tasks_waiting", frozenset())] == 1
    assert found[("microblog_tasks_oldest_waiting_seconds", frozenset())] >= 30
    assert found[("microblog_tasks_failed", frozenset())] == 0


@pytest.mark.parametrize("address", ["203.0.113.9", "10.0.0.8", "::2", "not an address"])
def test_other_addresses_are_not_told_it_exists(client, address):
    assert client.get("/metrics", REMOTE_ADDR=address).status_code == 404


def test_configured_networks_may_read_it(client, settings):
    settings.METRICS_ALLOWED = ["10.0.0.0/8"]

    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str) -> str:
    # A generous timeout: a worker's first request loads Django, slow on a busy machine (the
    # suite runs in parallel beside the browser tests).
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:  # noqa: S310
        return response.read().decode()


@pytest.mark.django_db(transaction=True)
def test_under_gunicorn_every_workers_requests_are_added_up(tmp_path):
    """Two worker processes answer in turn; whichever answers the scrape reports all of them."""
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_LEVEL": "WARNING",
        "METRICS_ALLOWED": "127.0.0.1/32",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "microblog.wsgi", "--workers", "2"],
        cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            # Up when the scrape answers; not a health check, which is what is counted (one that
            # timed out and was sent again would have been counted twice).
            try:
                fetch(port, "/metrics")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        for _ in range(41):
            fetch(port, "/healthz")
        counts = [requests_counted(samples(fetch(port, "/metrics")), "/healthz") for _ in range(4)]
    finally:
        server.terminate()
        server.wait(timeout=10)

    # 41 health checks before the first scrape, whichever worker answered each.
    assert counts[0] == 41
    assert counts == [41] * 4
