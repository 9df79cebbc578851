import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_ok_when_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def _healthz_in_fresh_process(database_url: str) -> tuple[int, dict]:
    """Ask /healthz in a new Django process whose database cannot be reached."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "microblog.settings",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-2:]
    return int(status), json.loads(body)


@pytest.mark.parametrize(
    "database_url",
    [
        # Nothing listens on port 1: the connection is refused.
        "postgres://postgres@127.0.0.1:1/microblog?connect_timeout=2",
        # SQLite cannot create a file in a folder that does not exist.
        "sqlite:////nonexistent-folder/for-healthz/db.sqlite3",
    ],
    ids=["postgresql-refused", "sqlite-unopenable"],
)
def test_healthz_reports_unavailable_when_database_is_unreachable(database_url):
    status, body = _healthz_in_fresh_process(database_url)

    assert status == 503
    assert body == {"status": "error", "database": "unavailable"}
