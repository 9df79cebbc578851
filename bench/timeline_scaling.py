"""Timeline scaling table: the home timeline's database work for people following 10, 100, 1,000
and 5,000 others, at each data size, measured with EXPLAIN ANALYZE (median of 20), plus the time
from a post by a much-followed person until it is in all their followers' timelines.

`python -m bench.timeline_scaling --posts 100000 1000000` (see bench/README.md). Each size gets its
own PostgreSQL database, seeded once and reused (`--fresh` seeds again).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLLOWING = [10, 100, 1000, 5000]


def database_url(posts: int) -> str:
    return f"postgres://postgres@127.0.0.1:5432/microblog_bench_{posts}"


def seed(posts: int, users: int, fresh: bool) -> None:
    env = {**os.environ, "DATABASE_URL": database_url(posts), "LOG_LEVEL": "WARNING"}
    name = f"microblog_bench_{posts}"
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            name,
            "-Atc",
            "SELECT 1 FROM accounts_user WHERE username = 'bench5000'",
        ],
        capture_output=True,
        text=True,
    )
    if exists.returncode == 0 and exists.stdout.strip() == "1" and not fresh:
        return
    for command in (["dropdb", "--if-exists", "--force"], ["createdb"]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    subprocess.run(
        [*manage, "seed_bench", "--users", str(users), "--posts", str(posts)],
        cwd=ROOT,
        env=env,
        check=True,
    )


def measure(posts: int) -> dict:
    """Runs in a child process bound to that size's database; prints one JSON line."""
    os.environ.update(
        {
            "DATABASE_URL": database_url(posts),
            "DJANGO_SETTINGS_MODULE": "microblog.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from follows.selectors.timelines import home_timeline
    from posts.services import post_create

    result = {"posts": posts, "rows": [], "plans": {}}
    for following in FOLLOWING:
        person = User.objects.get(username=f"bench{following}")
        with CaptureQueriesContext(connection) as captured:
            page = home_timeline(user=person)
        assert page.items, f"bench{following} has an empty timeline"
        timings = []
        for _ in range(20):
            total = 0.0
            for query in captured.captured_queries:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    total += plan[0]["Execution Time"] + plan[0]["Planning Time"]
            timings.append(total)
        result["rows"].append(
            {
                "following": person.following.count(),
                "queries": len(captured.captured_queries),
                "median_ms": statistics.median(timings),
            }
        )
        if following in (10, 5000):
            plans = []
            for query in captured.captured_queries:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
            result["plans"][following] = plans

    star = User.objects.annotate(n=Count("followers")).order_by("-n").first()
    started = time.perf_counter()
    with transaction.atomic():
        post_create(author=star, text="Fan-out timing post from the benchmark")
    result["fanout"] = {
        "followers": star.followers.count(),
        "ms": (time.perf_counter() - started) * 1000,
    }
    print(json.dumps(result))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description="Home timeline scaling table (PostgreSQL)")
    parser.add_argument("--posts", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return 0
    results = []
    for posts in args.posts:
        seed(posts, args.users, args.fresh)
        output = subprocess.run(
            [sys.executable, "-m", "bench.timeline_scaling", "--measure", str(posts)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))

    header = "| posts | " + " | ".join(f"following {n:,}" for n in FOLLOWING) + " |"
    print(
        "Home timeline database work, page 1: median of 20 EXPLAIN ANALYZE runs "
        "(planning + execution, all queries of the page), ms"
    )
    print(header)
    print("|---|" + "---:|" * len(FOLLOWING))
    for result in results:
        cells = [f"{row['median_ms']:.2f} ({row['queries']} q)" for row in result["rows"]]
        print(f"| {result['posts']:,} | " + " | ".join(cells) + " |")
    first, last = results[0]["rows"][0]["median_ms"], results[-1]["rows"][-1]["median_ms"]
    print(
        f"\nflatness: {FOLLOWING[-1]:,} followees at {results[-1]['posts']:,} posts is "
        f"{last / first:.2f}x the {FOLLOWING[0]} followees at {results[0]['posts']:,} posts"
    )
    for result in results:
        fan = result["fanout"]
        print(
            f"fan-out at {result['posts']:,} posts: a post by someone with "
            f"{fan['followers']:,} followers is in all their timelines after {fan['ms']:.1f} ms"
        )
    for result in results[-1:]:
        for following, plans in result["plans"].items():
            print(f"\nPlans at {result['posts']:,} posts, following {int(following):,}:")
            for plan in plans:
                print(plan + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
