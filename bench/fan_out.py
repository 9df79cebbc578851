"""Posting with many followers: the time of the posting request, and (when followers' timelines
are written by background tasks) the time until a post is in every follower's timeline.

Run from the root of the checkout to measure, which may be another commit's (a `git worktree`):

    python bench/fan_out.py                          # 100, 10,000 and 100,000 followers
    python bench/fan_out.py --followers 100 --posts-per-size 10 --workers 1

The code measured is the one in the current directory, not the one beside this file. Its tree is
"after" when it queues follows.tasks with django-tasks-db, else "before" (the fan-out inside the
request). Each follower count gets a new PostgreSQL database, microblog_fanout_<tree>_<N>, dropped
at the end; `--database-url` names the server. See bench/README.md.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

# Each stage is bounded, so a stuck worker or lock ends the run instead of hanging it.
MIGRATE_TIMEOUT = 600
MEASURE_TIMEOUT = 3600
DELIVERY_TIMEOUT = 600
SEED_BATCH = 5000


def bench_environ(database_url: str) -> dict:
    """The environment of every process of a run: production settings (DEBUG off) on that
    database, quiet logs."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "microblog.settings",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "fan-out-bench-" + "x" * 50,
        # The test client speaks plain HTTP; a redirect to HTTPS would be all it measured.
        "SECURE_SSL_REDIRECT": "0",
    }


def tree_name(server_url: str) -> str:
    """ "after" when the checkout in the current directory has the fan-out task and the database
    queue installed, else "before"."""
    os.environ.setdefault("DATABASE_URL", f"{server_url}/postgres")
    sys.path.insert(0, os.getcwd())
    from microblog import settings

    queued = importlib.util.find_spec("django_tasks_db") is not None
    queued = queued and "django_tasks_db" in settings.INSTALLED_APPS
    return "after" if queued and importlib.util.find_spec("follows.tasks") else "before"


def psql(server_url: str, sql: str) -> None:
    subprocess.run(
        ["psql", "-d", f"{server_url}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        timeout=120,
        # Without the server's NOTICE that a database to drop is not there.
        env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
    )


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: with 30 samples, p99 is the slowest request."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def measure(followers: int, posts: int, workers: list[int]) -> dict:
    """One follower count, in a process bound to its database (already migrated)."""
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from follows.models import Follow, TimelineEntry
    from posts.models import Post
    from posts.services import post_create

    started = time.perf_counter()
    # One hash for everyone: hashing 100,000 passwords would be most of the seeding.
    password = make_password(None)
    author = User.objects.create(username="author", email="author@example.com", password=password)
    for start in range(0, followers, SEED_BATCH):
        people = User.objects.bulk_create(
            User(username=f"f{i}", email=f"f{i}@example.com", password=password)
            for i in range(start, min(start + SEED_BATCH, followers))
        )
        Follow.objects.bulk_create(
            Follow(follower_id=person.pk, followee_id=author.pk) for person in people
        )
    with connection.cursor() as cursor:
        # Fresh tables have no statistics; the planner would guess their sizes. The checkpoint
        # writes the seeding's pages now rather than in the middle of the timed requests.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    seed_seconds = time.perf_counter() - started

    client = Client(HTTP_HOST="localhost")
    client.force_login(author)
    url = reverse("posts:create")
    run = uuid.uuid4().hex[:8]

    def post(i: int) -> float:
        data = {"text": f"Fan-out bench {run} post {i}", "client_token": str(uuid.uuid4())}
        begin = time.perf_counter()
        # As the home page's compose form sends it (htmx): the new card comes back.
        response = client.post(url, data, headers={"HX-Request": "true"})
        elapsed = time.perf_counter() - begin
        if response.status_code != 200:
            raise SystemExit(f"POST {url} answered {response.status_code}")
        return elapsed

    post(-1)  # warm-up: templates, URL conf, first queries; not counted
    times = [post(i) for i in range(posts)]
    last = Post.objects.filter(author=author).latest("id")
    result = {
        "followers": followers,
        "seed_s": seed_seconds,
        "posts": posts,
        "req_per_s": 1 / statistics.mean(times),
        "p50_ms": percentile(times, 50) * 1000,
        "p99_ms": percentile(times, 99) * 1000,
        "max_ms": max(times) * 1000,
        "rows_at_response": TimelineEntry.objects.filter(post=last).count(),
        "delivery": [],
    }

    if importlib.util.find_spec("follows.tasks") is None:
        return result
    from django_tasks_db.models import DBTaskResult

    result["queued_after_posting"] = DBTaskResult.objects.count()
    environ = bench_environ(os.environ["DATABASE_URL"])
    command = [sys.executable, "manage.py", "worker", "--queue-name", "*", "--no-reload"]
    command.append("--no-startup-delay")
    for count in workers:
        DBTaskResult.objects.all().delete()
        new = post_create(author=author, text=f"Fan-out bench {run} delivery {count}")
        entries = TimelineEntry.objects.filter(post=new)
        first_batch = None
        began = time.perf_counter()
        processes = [
            subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL) for _ in range(count)
        ]
        try:
            delivered = entries.count()
            while delivered < followers + 1:
                if time.perf_counter() - began > DELIVERY_TIMEOUT:
                    raise SystemExit(f"{delivered} of {followers + 1} rows in {DELIVERY_TIMEOUT} s")
                if any(process.poll() is not None for process in processes):
                    raise SystemExit("a worker exited before the post was delivered")
                # Each count reads the post's index; a tenth of a second keeps the poll light
                # beside the workers on two cores.
                time.sleep(0.1)
                delivered = entries.count()
                if first_batch is None and delivered > 1:
                    first_batch = time.perf_counter() - began
            seconds = time.perf_counter() - began
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        result["delivery"].append(
            {
                "workers": count,
                "seconds": seconds,
                "first_batch_s": first_batch,
                "rows_per_s": (followers + 1) / seconds,
            }
        )
    return result


def table(tree: str, results: list[dict], workers: list[int]) -> str:
    heading = ["followers", "seed s", "req/s", "p50 ms", "p99 ms", "rows at response"]
    if tree == "after":
        heading += [f"delivery, {k} worker{'s' if k > 1 else ''}" for k in workers]
    lines = [
        f"### {tree} ({os.getcwd()}), {results[0]['posts'] if results else 0} posts per size",
        "",
        "| " + " | ".join(heading) + " |",
        "|" + "---:|" * len(heading),
    ]
    for row in results:
        cells = [
            f"{row['followers']:,}",
            f"{row['seed_s']:.1f}",
            f"{row['req_per_s']:.1f}",
            f"{row['p50_ms']:.1f}",
            f"{row['p99_ms']:.1f}",
            f"{row['rows_at_response']:,}",
        ]
        cells += [f"{d['seconds']:.2f} s ({d['rows_per_s']:,.0f} rows/s)" for d in row["delivery"]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, nargs="+", default=[100, 10000, 100000])
    parser.add_argument("--posts-per-size", type=int, default=30)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
        help="the PostgreSQL server, without a database name",
    )
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure is not None:
        result = measure(args.measure, args.posts_per_size, args.workers)
        print("RESULT " + json.dumps(result), flush=True)
        return

    tree = tree_name(args.database_url)
    results = []
    for followers in args.followers:
        name = f"microblog_fanout_{tree}_{followers}"
        environ = bench_environ(f"{args.database_url}/{name}")
        psql(args.database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(args.database_url, f"CREATE DATABASE {name}")
        try:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput"],
                env=environ,
                check=True,
                capture_output=True,
                timeout=MIGRATE_TIMEOUT,
            )
            child = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--measure", str(followers)]
                + ["--posts-per-size", str(args.posts_per_size), "--workers"]
                + [str(k) for k in args.workers],
                env=environ,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
                timeout=MEASURE_TIMEOUT,
            )
        finally:
            psql(args.database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        line = next(x for x in child.stdout.splitlines() if x.startswith("RESULT "))
        results.append(json.loads(line.removeprefix("RESULT ")))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print(table(tree, results, args.workers))


if __name__ == "__main__":
    main()
