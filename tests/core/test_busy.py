"""A busy SQLite database (another writer holds the lock past the busy timeout) is answered with
a 503 page that says to send it again, not the 500 page and not the "can't reach" outage page."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
call_command("migrate", verbosity=0)
from accounts.models import User
from posts.models import Post
person = User.objects.create_user("busy", "busy@example.com", "a long enough password")
client = Client(raise_request_exception=False)
client.force_login(person)
print("ANSWER", json.dumps("READY"), flush=True)
input()  # the test takes the write lock now
response = client.post("/compose/", {"text": "sent while another writer holds the lock"})
print("ANSWER", json.dumps({"status": response.status_code, "retry": response.get("Retry-After"),
                  "body": response.content.decode()}), flush=True)
input()  # the lock is released
print("ANSWER", json.dumps({"posts": Post.objects.count()}), flush=True)
"""


def read_answer(process):
    """The script's next answer; the error log lines Django writes in between are skipped."""
    for line in process.stdout:
        if line.startswith("ANSWER "):
            return json.loads(line.removeprefix("ANSWER "))
    raise AssertionError("the script ended without answering")


def test_a_locked_sqlite_database_answers_503_busy_try_again(tmp_path):
    database = tmp_path / "busy.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="microblog.settings",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        SQLITE_BUSY_TIMEOUT="1",
    )
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert read_answer(process) == "READY"
        other_writer = sqlite3.connect(database, isolation_level=None)
        other_writer.execute("BEGIN IMMEDIATE")
        process.stdin.write("\n")
        process.stdin.flush()
        answer = read_answer(process)
        other_writer.execute("ROLLBACK")
        other_writer.close()
        process.stdin.write("\n")
        process.stdin.flush()
        after = read_answer(process)
    finally:
        process.kill() if process.poll() is None else None
        process.wait(timeout=30)

    assert answer["status"] == 503
    assert answer["retry"] == "5"
    assert "Busy, try again" in answer["body"]
    assert "send it again in a few seconds" in answer["body"]
    assert "can't reach its database" not in answer["body"]
    assert after["posts"] == 0  # refused, not half saved
