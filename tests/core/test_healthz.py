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
    health = response.json()
    assert (health["status"], health["database"]) == ("ok", "ok")
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """Production pages link hashed static names, which need a collectstatic run."""
    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "STATIC_ROOT": str(root), "DEBUG": "0", "SECRET_KEY": "x" * 60}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return root


def get_in_fresh_process(database_url: str, path: str, static_root=None) -> tuple[int, str]:
    """GET `path` in a new Django process (DEBUG off) whose database cannot be reached."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "c = Client(raise_request_exception=False);"
        # A session cookie, as a signed-in person has, makes every page ask the database.
        "c.cookies['sessionid'] = 'a-signed-in-session';"
        f"r = c.get({path!r});"
        "print(r.status_code); print(json.dumps(r.content.decode()))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "microblog.settings",
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "SECURE_SSL_REDIRECT": "0",
    }
    if static_root is not None:
        env["STATIC_ROOT"] = str(static_root)
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


UNREACHABLE = [
    # Nothing listens on port 1: the connection is refused.
    "postgres://postgres@127.0.0.1:1/microblog?connect_timeout=2",
    # No folder can be made inside a device file, so SQLite cannot open its file.
    "sqlite:////dev/null/for-healthz/db.sqlite3",
]
UNREACHABLE_IDS = ["postgresql-refused", "sqlite-unopenable"]


@pytest.mark.parametrize("database_url", UNREACHABLE, ids=UNREACHABLE_IDS)
def test_healthz_reports_unavailable_when_database_is_unreachable(database_url):
    status, body = get_in_fresh_process(database_url, "/healthz")

    assert status == 503
    assert json.loads(body) == {"status": "error", "database": "unavailable"}


@pytest.mark.parametrize("database_url", UNREACHABLE, ids=UNREACHABLE_IDS)
def test_pages_answer_503_with_the_designed_page_when_database_is_unreachable(
    database_url, collected_static
):
    status, body = get_in_fresh_process(database_url, "/", static_root=collected_static)

    assert status == 503
    assert "Back in a moment" in body
    assert "Please try again in half a minute" in body
