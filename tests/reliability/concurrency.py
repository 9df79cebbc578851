"""Concurrency drill: many people post, follow, unfollow, like and unlike the same targets at once.

Run with `python -m tests.reliability.concurrency` (CI does, after the database fault drill).
The site runs under gunicorn as in production (WEB_CONCURRENCY sync workers), and each client
is a thread signed in as its own person, using the site's real forms and endpoints with their
CSRF tokens. Three runs:

1. PostgreSQL: a database created (and dropped afterwards) on the shared cluster at
   127.0.0.1:5432, CONCURRENCY_PG_CLIENTS clients (50) for CONCURRENCY_SECONDS (30);
2. SQLite in WAL mode (a temporary file) with the default busy timeout, CONCURRENCY_SQLITE_CLIENTS
   clients (8);
3. SQLite again with a busy timeout of 0 s for a third of the time, to force "database is
   locked": each must come back as the 503 "Busy, try again" page, never a 500.

After each run it checks: no 5xx (other than the busy page in run 3), no duplicate follows or
likes, every acknowledged post stored exactly once, each person's follow and like ending in the
state their last acknowledged request asked for (no lost write), and the like and follower counts
the pages show equal to the rows in the database. It prints a table and exits non-zero on failure.
"""

import os
import random
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.reliability.db_fault import ROOT, Site

DURATION = float(os.environ.get("CONCURRENCY_SECONDS", "30"))
PG_CLIENTS = int(os.environ.get("CONCURRENCY_PG_CLIENTS", "50"))
SQLITE_CLIENTS = int(os.environ.get("CONCURRENCY_SQLITE_CLIENTS", "8"))
WORKERS = os.environ.get("WEB_CONCURRENCY", "4")
WEB_PORT = int(os.environ.get("CONCURRENCY_WEB_PORT", "18768"))
PG_SERVER = os.environ.get("CONCURRENCY_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "concurrency-drill-password-42"
TARGET = "target"
BUSY_TEXT = "Busy, try again"
# Generous limits: the drill measures the database, not the rate limiter.
RATE_LIMITS = {
    f"RATE_LIMIT_{name}": "1000000/1h"
    for name in ("POST", "FOLLOW", "LIKE", "LOGIN", "SIGNUP", "PASSWORD_RESET", "REPORT")
}

SETUP = """
from accounts.models import User
from posts.services import post_create
target = User.objects.create_user({target!r}, "target@example.com", {password!r})
post = post_create(author=target, text="Everyone: like this, then unlike it.")
for n in range({clients}):
    User.objects.create_user(f"client{{n:02d}}", f"client{{n:02d}}@example.com", {password!r})
print(post.pk)
"""


@dataclass
class Tally:
    requests: Counter = field(default_factory=Counter)  # (action, status or exception name)
    acknowledged_posts: list = field(default_factory=list)
    # username -> the state the last acknowledged request asked for (True: following / liked)
    follow_state: dict = field(default_factory=dict)
    like_state: dict = field(default_factory=dict)
    answers: Counter = field(default_factory=Counter)  # every HTTP answer, GETs too, by status
    busy_pages: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, action: str, outcome) -> None:
        with self.lock:
            self.requests[(action, outcome)] += 1


class Client(Site):
    """A signed-in person, as db_fault's Site, whose every request is counted."""

    def __init__(self, base: str, username: str, tally: Tally, busy_ok: bool):
        super().__init__(base)
        self.username, self.tally, self.busy_ok = username, tally, busy_ok
        self.token = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        status, body = super().request(path, data)
        with self.tally.lock:
            self.tally.answers[status] += 1
            if status == 503 and BUSY_TEXT in body:
                self.tally.busy_pages += 1
        return status, body

    def log_in(self) -> None:
        for _attempt in range(20):  # with a busy timeout of 0, the session write may be refused
            action, fields = self.form("/accounts/login/", "password")
            status, _ = self.request(
                action, {**fields, "username": self.username, "password": PASSWORD}
            )
            self.tally.count("log in", status)
            if status == 302:
                _, fields = self.form("/compose/", "text")
                self.token = fields["csrfmiddlewaretoken"]
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.username} could not log in")

    def act(self, post_id: int) -> None:
        action = random.choice(("post", "follow", "unfollow", "like", "unlike"))
        if action == "post":
            text = f"{self.username} {secrets.token_hex(6)}"
            form_action, fields = self.form("/compose/", "text")
            status, _ = self.request(form_action, {**fields, "text": text})
            if status == 302:
                with self.tally.lock:
                    self.tally.acknowledged_posts.append(text)
        elif action in ("follow", "unfollow"):
            status, _ = self.request(
                f"/@{TARGET}/{action}/", {"csrfmiddlewaretoken": self.token, "next": "/"}
            )
            if status == 302:
                with self.tally.lock:
                    self.tally.follow_state[self.username] = action == "follow"
        else:
            state = "on" if action == "like" else "off"
            status, _ = self.request(
                f"/posts/{post_id}/like/",
                {"csrfmiddlewaretoken": self.token, "state": state, "next": "/"},
            )
            if status == 302:
                with self.tally.lock:
                    self.tally.like_state[self.username] = state == "on"
        self.tally.count(action, status)


class Database:
    """Read-only checks on the database the site wrote, straight with the driver."""

    def __init__(self, url: str):
        self.url = url

    def rows(self, sql: str) -> list[tuple]:
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as connection:
                return connection.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute(sql).fetchall()


@dataclass
class Result:
    name: str
    clients: int
    seconds: float
    tally: Tally
    failures: list[str]
    checks: dict


def run_site(name: str, database_url: str, clients: int, seconds: float, workdir: Path, extra_env):
    env = {
        **os.environ,
        **RATE_LIMITS,
        **extra_env,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_PROXY_SSL_HEADER": "1",
        "BIND": f"127.0.0.1:{WEB_PORT}",
        "WEB_CONCURRENCY": WORKERS,
        "DATA_DIR": str(workdir / "data"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    manage = [python, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    if not (workdir / "static").exists():
        subprocess.run(
            [*manage, "collectstatic", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    setup = SETUP.format(target=TARGET, password=PASSWORD, clients=clients)
    post_id = int(
        subprocess.run(
            [*manage, "shell", "-c", setup],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
    )
    log = (workdir / f"gunicorn-{name.split()[0]}.log").open("w")
    gunicorn = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "microblog.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{WEB_PORT}"
    tally = Tally()
    try:
        probe = Site(base)
        for _ in range(100):
            try:
                if probe.request("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        people = [Client(base, f"client{n:02d}", tally, busy_ok=True) for n in range(clients)]
        for person in people:
            person.log_in()

        stop = threading.Event()
        started = time.monotonic()

        def load(person: Client):
            while not stop.is_set():
                try:
                    person.act(post_id)
                except (RuntimeError, OSError) as error:
                    tally.count("error", type(error).__name__)

        threads = [threading.Thread(target=load, args=(person,)) for person in people]
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.monotonic() - started

        failures, checks = verify(Database(database_url), probe, post_id, tally, name)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        log.close()
    return Result(name, clients, elapsed, tally, failures, checks)


def verify(db: Database, probe: Site, post_id: int, tally: Tally, name: str):
    failures = []
    busy_allowed = "busy timeout 0" in name
    server_errors = {
        k: n for k, n in tally.requests.items() if isinstance(k[1], int) and k[1] >= 500
    }
    if busy_allowed:
        # Busy answers are 503 with the busy page; count them apart, anything else is an error.
        busy = sum(n for k, n in server_errors.items() if k[1] == 503)
        if busy > tally.busy_pages:
            failures.append(f"{busy - tally.busy_pages} 503 answers were not the busy page")
        server_errors = {k: n for k, n in server_errors.items() if k[1] != 503}
    if server_errors:
        failures.append(f"server errors: {server_errors}")
    exceptions = {k: n for k, n in tally.requests.items() if not isinstance(k[1], int)}
    if exceptions:
        failures.append(f"requests that got no answer: {exceptions}")

    duplicate_follows = db.rows(
        "SELECT follower_id, followee_id FROM follows_follow GROUP BY follower_id, followee_id "
        "HAVING COUNT(*) > 1"
    )
    duplicate_likes = db.rows(
        "SELECT user_id, post_id FROM posts_like GROUP BY user_id, post_id HAVING COUNT(*) > 1"
    )
    if duplicate_follows or duplicate_likes:
        failures.append(f"duplicates: follows {duplicate_follows}, likes {duplicate_likes}")

    stored = dict(db.rows("SELECT text, COUNT(*) FROM posts_post GROUP BY text"))
    not_once = [text for text in tally.acknowledged_posts if stored.get(text) != 1]
    if not_once:
        failures.append(
            f"{len(not_once)} acknowledged posts not stored exactly once: {not_once[:5]}"
        )

    # Each person's stored post count and newest post (posts.AuthorStats), kept while they
    # posted at once.
    counted = "p.author_id = u.id AND p.removed_at IS NULL AND p.visibility <> 'direct'"
    miscounted = db.rows(
        "SELECT u.username FROM accounts_user u "
        "LEFT JOIN posts_authorstats s ON s.author_id = u.id "
        f"WHERE COALESCE(s.posts_count, 0) <> (SELECT COUNT(*) FROM posts_post p WHERE {counted}) "
        "OR COALESCE(s.last_post_id, 0) <> "
        f"(SELECT COALESCE(MAX(p.id), 0) FROM posts_post p WHERE {counted})"
    )
    if miscounted:
        failures.append(f"stored post counts differ from the rows: {miscounted[:5]}")

    followers = {
        row[0]
        for row in db.rows(
            "SELECT u.username FROM follows_follow f JOIN accounts_user u ON u.id = f.follower_id "
            f"JOIN accounts_user t ON t.id = f.followee_id WHERE t.username = '{TARGET}'"
        )
    }
    likers = {
        row[0]
        for row in db.rows(
            "SELECT u.username FROM posts_like l JOIN accounts_user u ON u.id = l.user_id "
            f"WHERE l.post_id = {int(post_id)}"
        )
    }
    lost = [
        f"{who} follow={want}"
        for who, want in tally.follow_state.items()
        if (who in followers) != want
    ]
    lost += [
        f"{who} like={want}" for who, want in tally.like_state.items() if (who in likers) != want
    ]
    if lost:
        failures.append(f"{len(lost)} acknowledged writes not in the final state: {lost[:5]}")

    _, permalink = probe.request(f"/@{TARGET}/{post_id}/")
    shown_likes = re.search(
        rf'action="/posts/{post_id}/like/".*?<span class="count">(\d+)</span>', permalink, re.S
    )
    _, profile = probe.request(f"/@{TARGET}/")
    shown_followers = re.search(rf'data-followers-count="{TARGET}">(\d+)<', profile)
    checks = {
        "likes shown / rows": (shown_likes and int(shown_likes.group(1)), len(likers)),
        "followers shown / rows": (
            shown_followers and int(shown_followers.group(1)),
            len(followers),
        ),
        "posts acknowledged / stored once": (
            len(tally.acknowledged_posts),
            len(tally.acknowledged_posts) - len(not_once),
        ),
    }
    for label, (shown, counted) in list(checks.items())[:2]:
        if shown != counted:
            failures.append(f"{label}: the page shows {shown}, the database has {counted}")
    return failures, checks


def print_result(result: Result) -> None:
    tally = result.tally
    served = sum(tally.answers.values())
    errors = sum(n for status, n in tally.answers.items() if status >= 500)
    no_answer = sum(n for k, n in tally.requests.items() if not isinstance(k[1], int))
    print(
        f"\n{result.name}: {result.clients} clients, {WORKERS} gunicorn workers, "
        f"{result.seconds:.0f} s"
    )
    print(f"  {'requests served (GETs included)':32} {served} ({served / result.seconds:.0f}/s)")
    print(f"  {'5xx answers':32} {errors} (of which the 503 busy page: {tally.busy_pages})")
    print(f"  {'requests without an answer':32} {no_answer}")
    for action in ("log in", "post", "follow", "unfollow", "like", "unlike", "error"):
        statuses = {k[1]: n for k, n in tally.requests.items() if k[0] == action}
        if statuses:
            print(f"  {action:32} {dict(sorted(statuses.items(), key=str))}")
    for label, (shown, counted) in result.checks.items():
        print(f"  {label:32} {shown} / {counted}")
    for failure in result.failures:
        print(f"  FAILED: {failure}")


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="concurrency-"))
    database = f"mb_concurrency_{os.getpid()}"
    results = []
    psql = ["psql", PG_SERVER + "/postgres", "-q", "-c"]
    try:
        subprocess.run([*psql, f"CREATE DATABASE {database}"], check=True, capture_output=True)
        results.append(
            run_site("PostgreSQL", f"{PG_SERVER}/{database}", PG_CLIENTS, DURATION, workdir, {})
        )
        results.append(
            run_site(
                "SQLite (WAL)",
                f"sqlite:///{workdir / 'wal.sqlite3'}",
                SQLITE_CLIENTS,
                DURATION,
                workdir,
                {},
            )
        )
        results.append(
            run_site(
                "SQLite (WAL), busy timeout 0 s",
                f"sqlite:///{workdir / 'busy.sqlite3'}",
                SQLITE_CLIENTS,
                max(5.0, DURATION / 3),
                workdir,
                {"SQLITE_BUSY_TIMEOUT": "0"},
            )
        )
    finally:
        subprocess.run(
            [*psql, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"], capture_output=True
        )
        shutil.rmtree(workdir, ignore_errors=True)

    print("\nConcurrency drill")
    for result in results:
        print_result(result)
    failed = [result for result in results if result.failures]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
