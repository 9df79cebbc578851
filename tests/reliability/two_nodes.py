"""Two-node drill: two gunicorn nodes and one task worker share one PostgreSQL and one Redis, as
a site outgrowing one machine runs; clients alternate between the nodes.

Run with `python -m tests.reliability.two_nodes` (CI does, after the worker drill). On a
PostgreSQL database it creates and drops (CONCURRENCY_PG) and a Redis database it empties before
and after (TWO_NODES_REDIS, default redis://127.0.0.1:6379/7):

1. TWO_NODES_CLIENTS people (30) each sign in on one node and then alternate: a form read from
   one node is sent to the other (so sessions and CSRF tokens must hold on both), posting,
   liking and unliking, following and unfollowing one person, and polling for new posts with the
   poll token the other node made, for TWO_NODES_SECONDS (30). A rate limit (password-reset
   requests, 3 an hour per address) is tried from both nodes: the 4th request is refused
   whichever node it reaches.
2. Node A is killed (SIGKILL, master and workers) under the same load; the clients go on against
   node B alone for a third of the time.
3. The worker finishes the queue (every fan-out, backfill and cleanup), which is in Redis, as
   it is by default on a site with REDIS_URL.

It fails on any 5xx, any request node B left unanswered, a request sent back to the login page
(a session one node did not know) or refused for its CSRF token, an acknowledged post not stored
exactly once or missing from its author's followers' timelines, an acknowledged follow or like
missing, or a failed task. A worker killed in the middle of a fan-out is the worker drill's
(tests/reliability/worker_kill.py).
"""

import http.client
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from tests.reliability import queues
from tests.reliability.concurrency import PASSWORD, RATE_LIMITS, SETUP, TARGET
from tests.reliability.db_fault import ROOT, Site, manage

PG_SERVER = os.environ.get("CONCURRENCY_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("TWO_NODES_REDIS", "redis://127.0.0.1:6379/7")
TASKS_PREFIX = "drill-two-nodes:tasks"
CLIENTS = int(os.environ.get("TWO_NODES_CLIENTS", "30"))
SECONDS = float(os.environ.get("TWO_NODES_SECONDS", "30"))
PORTS = (18781, 18782)


class Person(Site):
    """A signed-in person whose requests go to the nodes in turn (cookies are per host, not per
    port, so both nodes get the same session cookie, as behind one load balancer)."""

    def __init__(self, bases: list[str], username: str, tally: Counter, lock: threading.Lock):
        super().__init__(bases[0])
        self.bases, self.username, self.tally, self.lock = bases, username, tally, lock
        self.turn = random.randrange(2)
        self.posts: list[str] = []
        self.follow: bool | None = None
        self.like: bool | None = None

    def next_node(self) -> None:
        live = [base for base in self.bases if base not in DEAD]
        self.turn += 1
        self.base = live[self.turn % len(live)]

    def count(self, action: str, status) -> None:
        with self.lock:
            self.tally[(action, status)] += 1

    def log_in(self) -> None:
        self.next_node()
        action, fields = self.form("/accounts/login/", "password")
        status, _ = self.request(
            action, {**fields, "username": self.username, "password": PASSWORD}
        )
        self.count("log in", status)
        if status != 302:
            raise RuntimeError(f"{self.username} could not log in: {status}")

    def act(self, post_id: int) -> None:
        action = random.choice(("post", "follow", "unfollow", "like", "unlike", "poll"))
        self.next_node()  # the form from one node ...
        if action == "poll":
            _, home = self.request("/")
            values = re.search(r'"after": "(\d+)", "poll": "([^"]*)"', home)
            if values is None:
                raise RuntimeError("no poller on the home page")
            self.next_node()
            status, _ = self.request(f"/home/new/?after={values[1]}&poll={values[2]}")
            self.count(action, status)
            return
        field = "text" if action == "post" else "csrfmiddlewaretoken"
        form_action, fields = self.form("/compose/", field)
        self.next_node()  # ... sent to the other
        if action == "post":
            text = f"{self.username} {secrets.token_hex(6)}"
            status, _ = self.request(form_action, {**fields, "text": text})
            if status == 302:
                self.posts.append(text)
        elif action in ("follow", "unfollow"):
            status, _ = self.request(f"/@{TARGET}/{action}/", {**fields, "next": "/"})
            if status == 302:
                self.follow = action == "follow"
        else:
            state = "on" if action == "like" else "off"
            status, _ = self.request(
                f"/posts/{post_id}/like/", {**fields, "state": state, "next": "/"}
            )
            if status == 302:
                self.like = state == "on"
        self.count(action, status)


DEAD: set[str] = set()


def psql(database: str, sql: str) -> list[list[str]]:
    out = subprocess.run(
        ["psql", f"{PG_SERVER}/{database}", "-Atc", sql], check=True, capture_output=True, text=True
    ).stdout
    return [line.split("|") for line in out.strip().splitlines() if line]


def redis_flush() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def start_node(env: dict, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "microblog.wsgi"],
        cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}"},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed whole, master and workers
    )


def load(people: list[Person], post_id: int, stop: threading.Event) -> list[threading.Thread]:
    def run(person: Person):
        while not stop.is_set():
            try:
                person.act(post_id)
            # A node killed while it sends a page ends the body short (IncompleteRead): no
            # answer either, and the client goes on to its next action.
            except (RuntimeError, OSError, http.client.HTTPException) as error:
                person.count("no answer", f"{type(error).__name__} from {person.base}")

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    return threads


def main() -> int:
    database = f"drill_two_nodes_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="two-nodes-"))
    psql("postgres", f"CREATE DATABASE {database}")
    redis_flush()
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG_SERVER}/{database}",
        "REDIS_URL": REDIS,
        "TASKS_BACKEND": "redis",  # the default with REDIS_URL; said here for the reader
        "TASKS_REDIS_PREFIX": TASKS_PREFIX,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),  # one key for every node
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_PROXY_SSL_HEADER": "1",
        "WEB_CONCURRENCY": "2",
        "DATA_DIR": str(workdir / "data"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "FAN_OUT_BATCH": "10",
        **RATE_LIMITS,
        "RATE_LIMIT_PASSWORD_RESET": "3/1h",  # tried from both nodes
    }
    nodes: list[subprocess.Popen] = []
    worker = None
    tally: Counter = Counter()
    lock = threading.Lock()
    failures: list[str] = []
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        setup = SETUP.format(target=TARGET, password=PASSWORD, clients=CLIENTS)
        post_id = int(manage(env, "shell", "-c", setup).split()[-1])
        nodes = [start_node(env, port, workdir / f"node-{port}.log") for port in PORTS]
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--queue-name", "*", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=(workdir / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        bases = [f"http://127.0.0.1:{port}" for port in PORTS]
        for base in bases:
            probe = Site(base)
            for _ in range(150):
                try:
                    if probe.request("/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.2)

        # The rate limit is counted where both nodes see it.
        anonymous = Person(bases, "anonymous", tally, lock)
        resets = []
        for _ in range(4):
            anonymous.next_node()
            action, fields = anonymous.form("/accounts/password/reset/", "email")
            resets.append(anonymous.request(action, {**fields, "email": "nobody@example.com"})[0])
        if resets != [302, 302, 302, 429]:
            failures.append(f"password resets from both nodes answered {resets}")

        people = [Person(bases, f"client{n:02d}", tally, lock) for n in range(CLIENTS)]
        for person in people:
            person.log_in()
        stop = threading.Event()
        threads = load(people, post_id, stop)
        time.sleep(SECONDS)
        with lock:
            both = Counter(tally)
        # Under load: requests in flight to node A are cut off (a load balancer would send them
        # again elsewhere); from now on the clients use node B.
        DEAD.add(bases[0])
        os.killpg(nodes[0].pid, signal.SIGKILL)
        nodes[0].wait(timeout=10)
        killed_at = time.monotonic()
        time.sleep(max(5.0, SECONDS / 3))
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        alone = tally - both

        for _ in range(600):  # the worker empties the queue (bounded: 2 minutes)
            counts = queues.redis_counts(REDIS, TASKS_PREFIX)
            if not counts.get("READY") and not counts.get("RUNNING"):
                break
            time.sleep(0.2)
        drained = time.monotonic() - killed_at
    finally:
        for process in [*nodes, worker]:
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)

    try:
        server_errors = {k: n for k, n in tally.items() if isinstance(k[1], int) and k[1] >= 500}
        if server_errors:
            failures.append(f"server errors: {server_errors}")
        unanswered = {
            k: n
            for k, n in tally.items()
            if not isinstance(k[1], int) and (k in both or not k[1].endswith(bases[0]))
        }
        if unanswered:
            failures.append(f"requests without an answer (but node A's at its kill): {unanswered}")
        refused = {k: n for k, n in tally.items() if k[1] in (403, 400)}
        if refused:
            failures.append(f"refused (a session or CSRF token one node did not know): {refused}")
        wrong = {
            k: n for k, n in tally.items() if isinstance(k[1], int) and k[1] not in (200, 204, 302)
        }
        if wrong:
            failures.append(f"unexpected answers: {wrong}")

        stored = dict(psql(database, "SELECT text, count(*) FROM posts_post GROUP BY text"))
        acknowledged = [text for person in people for text in person.posts]
        not_once = [text for text in acknowledged if stored.get(text) != "1"]
        if not_once:
            failures.append(f"{len(not_once)} acknowledged posts not stored once: {not_once[:3]}")
        followers = {
            row[0]
            for row in psql(
                database,
                "SELECT u.username FROM follows_follow f JOIN accounts_user u "
                "ON u.id = f.follower_id JOIN accounts_user t ON t.id = f.followee_id "
                f"WHERE t.username = '{TARGET}'",
            )
        }
        likers = {
            row[0]
            for row in psql(
                database,
                "SELECT u.username FROM posts_like l JOIN accounts_user u ON u.id = l.user_id "
                f"WHERE l.post_id = {post_id}",
            )
        }
        lost = [
            p.username
            for p in people
            if p.follow is not None and (p.username in followers) != p.follow
        ]
        lost += [
            p.username for p in people if p.like is not None and (p.username in likers) != p.like
        ]
        if lost:
            failures.append(f"acknowledged follows or likes not in the final state: {lost[:5]}")
        # Every post reached its author's own timeline and its followers' (none follow each
        # other here but the target's followers; the target posts nothing during the load, so
        # check the author's own rows).
        missing = psql(
            database,
            "SELECT count(*) FROM posts_post p WHERE NOT EXISTS (SELECT 1 FROM "
            "follows_timelineentry e WHERE e.post_id = p.id AND e.owner_id = p.author_id)",
        )[0][0]
        if missing != "0":
            failures.append(f"{missing} posts missing from their author's timeline")
        tasks = queues.redis_counts(REDIS, TASKS_PREFIX)
        if tasks.get("FAILED") or tasks.get("READY") or tasks.get("RUNNING"):
            failures.append(f"tasks not all done: {tasks}")
    finally:
        psql("postgres", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        redis_flush()

    print("\nTwo-node drill: 2 gunicorn nodes (2 workers each), 1 task worker, PostgreSQL, Redis")
    print(f"  clients                          {CLIENTS}, alternating nodes, {SECONDS:.0f} s")
    print(f"  password resets, both nodes      {resets} (limit 3 an hour per address)")
    for label, counts in (("both nodes", both), ("node A killed, node B alone", alone)):
        by_action = Counter()
        for (action, status), n in counts.items():
            by_action[f"{action} {status}"] += n
        print(f"  {label:32} {dict(sorted(by_action.items()))}")
    once = len(acknowledged) - len(not_once)
    print(f"  posts acknowledged / stored once {len(acknowledged)} / {once}")
    print(
        f"  tasks                            {tasks} (queue empty {drained:.1f} s after the kill)"
    )
    for failure in failures:
        print(f"  FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
