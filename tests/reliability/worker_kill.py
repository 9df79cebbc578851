"""Worker drill: a worker killed with SIGKILL in the middle of a big fan-out loses nothing.

Run with `python -m tests.reliability.worker_kill [database|redis]` (CI does both, after the
concurrency drill): the queue in the database (django-tasks-db) or in Redis (django-tasks-redis,
on WORKER_DRILL_REDIS under a key prefix of its own). On a PostgreSQL database it creates (and
drops) on the shared cluster (CONCURRENCY_PG), one author
gets WORKER_DRILL_FOLLOWERS followers (20,000) and posts; the post's fan-out is queued in tasks
of FAN_OUT_BATCH followers. A worker process starts and, as soon as it is in the middle of a
task, is killed with SIGKILL (a kill that lands between two tasks is aimed again with a new
worker): its task stays marked running, its transaction is rolled back.
A second worker starts; once the dead worker's task is older than TASK_TIMEOUT_SECONDS it takes
it up again (with Redis: once the dead consumer has held its message that long). The drill
checks that every follower's timeline ends with the post exactly once, that no task failed, and
prints what happened. Every wait is bounded.
"""

import os
import signal
import subprocess
import sys
import time
import uuid

from tests.reliability import queues
from tests.reliability.db_fault import ROOT, manage

PG_SERVER = os.environ.get("CONCURRENCY_PG", "postgres://postgres@127.0.0.1:5432")
FOLLOWERS = int(os.environ.get("WORKER_DRILL_FOLLOWERS", "20000"))
BATCH = 2000
TIMEOUT_SECONDS = 3  # how long a task may run before it is taken for lost
DEADLINE = 180  # seconds, for any one wait
AIMS = 4  # workers started and killed at most, until one dies inside a task
REDIS = os.environ.get("WORKER_DRILL_REDIS", "redis://127.0.0.1:6379/6")

SETUP = """
from django.contrib.auth.hashers import make_password
from accounts.models import User
from follows.models import Follow
from posts.services import post_create
password = make_password(None)
author = User.objects.create(username="author", email="author@example.com", password=password)
followers = User.objects.bulk_create(
    [User(username=f"f{{n}}", email=f"f{{n}}@example.com", password=password)
     for n in range({followers})],
    batch_size=2000,
)
Follow.objects.bulk_create(
    [Follow(follower=person, followee=author) for person in followers], batch_size=2000
)
print(post_create(author=author, text="A post for twenty thousand timelines").pk)
"""


def psql(database: str, sql: str) -> str:
    result = subprocess.run(
        ["psql", f"{PG_SERVER}/{database}", "-Atc", sql], check=True, capture_output=True, text=True
    )
    return result.stdout.strip()


def wait_for(what: str, check, deadline: float = DEADLINE):
    """Poll `check` (a database read) until it returns something true; bounded."""
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise SystemExit(f"worker drill: gave up waiting for {what}")


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--queue-name",
            "*",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_inside_a_task(env: dict, workers: list, tasks_by_status, rows) -> tuple[dict, int]:
    """Start a worker and SIGKILL it once it is inside a task, one batch done and the next
    running. The task read as running may finish between the read and the kill (a batch of
    2,000 takes about 40 ms here): that kill landed between two tasks, which loses nothing but
    tests nothing, so aim again with a new worker while the chain lasts."""
    after_kill: dict[str, int] = {}
    for aim in range(1, AIMS + 1):
        worker = start_worker(env)
        workers.append(worker)

        def inside_or_done():
            counts = tasks_by_status()
            inside = counts.get("SUCCESSFUL", 0) >= 1 and counts.get("RUNNING", 0) >= 1
            done = set(counts) <= {"SUCCESSFUL", "FAILED"} and rows() == FOLLOWERS + 1
            return "inside" if inside else "done" if done else None

        if wait_for("the worker to be inside a task", inside_or_done) == "done":
            return tasks_by_status(), aim
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        after_kill = tasks_by_status()
        if after_kill.get("RUNNING", 0):
            return after_kill, aim
    return after_kill, AIMS


def drill(queue: str) -> int:
    database = f"drill_worker_kill_{os.getpid()}"
    prefix = f"drill-worker-kill:{uuid.uuid4().hex}"
    psql("postgres", f"CREATE DATABASE {database}")
    if queue == "redis":
        queue_env = {"REDIS_URL": REDIS, "TASKS_BACKEND": "redis", "TASKS_REDIS_PREFIX": prefix}

        def tasks_by_status() -> dict[str, int]:
            return queues.redis_counts(REDIS, prefix)

        def most_attempts() -> int:
            return queues.redis_most_attempts(REDIS, prefix)
    else:
        queue_env = {"TASKS_BACKEND": "database"}

        def tasks_by_status() -> dict[str, int]:
            return queues.database_counts(f"{PG_SERVER}/{database}")

        def most_attempts() -> int:
            return queues.database_most_attempts(f"{PG_SERVER}/{database}")

    env = {
        **os.environ,
        "DATABASE_URL": f"{PG_SERVER}/{database}",
        **queue_env,
        "FAN_OUT_BATCH": str(BATCH),
        "TASK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "LOG_LEVEL": "WARNING",
    }
    workers: list[subprocess.Popen] = []
    try:
        manage(env, "migrate", "--noinput")
        started = time.monotonic()
        setup = manage(env, "shell", "-c", SETUP.format(followers=FOLLOWERS))
        post_id = int(setup.strip().splitlines()[-1])
        print(f"{FOLLOWERS:,} followers and the post stored in {time.monotonic() - started:.1f} s")

        def rows() -> int:
            return queues.database_rows(
                f"{PG_SERVER}/{database}",
                f"SELECT count(*) FROM follows_timelineentry WHERE post_id = {post_id}",
            )[0][0]

        after_kill, aims = kill_inside_a_task(env, workers, tasks_by_status, rows)
        killed_at = time.monotonic()
        rows_after_kill = rows()
        print(
            f"SIGKILL with tasks {after_kill} (aim {aims}); "
            f"the post is in {rows_after_kill:,} timelines"
        )
        interrupted = after_kill.get("RUNNING", 0)

        workers.append(start_worker(env))
        wait_for(
            "the queue to empty",
            lambda: set(tasks_by_status()) <= {"SUCCESSFUL", "FAILED"} and rows() == FOLLOWERS + 1,
        )
        took = time.monotonic() - killed_at
        final = tasks_by_status()
        owners = queues.database_rows(
            f"{PG_SERVER}/{database}",
            f"SELECT count(DISTINCT owner_id) FROM follows_timelineentry WHERE post_id = {post_id}",
        )[0][0]
        attempts = most_attempts()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=15)
        queues.database_forget(f"{PG_SERVER}/{database}")
        psql("postgres", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        if queue == "redis":
            queues.redis_forget(REDIS, prefix)

    failures = []
    if interrupted < 1:
        failures.append("no task was running when the worker was killed")
    if final.get("FAILED"):
        failures.append(f"{final['FAILED']} tasks failed")
    if owners != FOLLOWERS + 1 or rows_after_kill > FOLLOWERS + 1:
        failures.append(f"the post is in {owners:,} distinct timelines, not {FOLLOWERS + 1:,}")
    # One task per batch and one that finds no more: a batch written twice would have forked
    # the chain into more. With Redis the killed batch may have queued its successor before the
    # kill rolled it back: that one finds the chain short of it and stops, one more task.
    chain = -(-FOLLOWERS // BATCH) + (1 if FOLLOWERS % BATCH == 0 else 0)
    allowed = {chain, chain + 1} if queue == "redis" else {chain}
    if sum(final.values()) not in allowed:
        failures.append(f"{sum(final.values())} fan-out tasks ran, not {chain}: the chain forked")
    print()
    print(f"| worker drill, the queue in {queue} | |")
    print("|---|---|")
    print(f"| followers | {FOLLOWERS:,} ({BATCH:,} a task) |")
    print(f"| workers killed to land one inside a task | {aims} |")
    print(f"| tasks running when killed | {interrupted} |")
    print(f"| timelines with the post at the kill | {rows_after_kill:,} |")
    print(f"| tasks at the end | {final} |")
    print(f"| most attempts of one task | {attempts} |")
    print(f"| timelines with the post at the end | {owners:,} of {FOLLOWERS + 1:,}, once each |")
    print(f"| from the kill to every timeline | {took:.1f} s (timeout {TIMEOUT_SECONDS} s) |")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def main() -> int:
    kinds = sys.argv[1:] or ["database", "redis"]
    return max(drill(kind) for kind in kinds)


if __name__ == "__main__":
    sys.exit(main())
