"""Search latency on a seeded database, the index's size, and what it adds to writing a post.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/microblog_bench python -m bench.search
    DATABASE_URL=sqlite:////path/to/bench.sqlite3 python -m bench.search

The database is one `manage.py seed_bench` made (posts of real words: COMMON_WORD, RARE_WORD,
PHRASE). Each search is `search.selectors.matching_posts` finding a page of 20 posts (the index,
then the posts' card data through `findable_by`), as `bench1000` (who follows 1,000 people: the
widest "what may I find" filter) and as a visitor, `--repeats` times after a warm-up; the table
gives p50, p95 and the slowest in milliseconds, and the queries. Then whole pages through
Django's test client (middleware, session, the page's template), beside the public timeline and
the directory for comparison: rendering 20 cards is most of a page, whatever found them. Then
the size of the index and the time `post_create` takes with and without it: the index is
dropped inside a transaction that is rolled back (both databases change their schema
transactionally), so "without" is the same data, measured in the same run.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(call, repeats: int) -> tuple[list[float], int]:
    """Milliseconds of each of `repeats` calls after a warm-up, and the queries of one call."""
    from django.db import connection

    for _ in range(3):  # warm-up: connection, prepared statements, caches
        call()
    queries = []
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times, len(queries)


def _get(client, path: str):
    def call():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    return call


def index_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_size_pretty(pg_relation_size('search_post_gin')), "
                "pg_size_pretty(sum(pg_column_size(search))) FROM posts_post"
            )
            gin, column = cursor.fetchone()
            return f"GIN index {gin}, tsvector column {column}"
        cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_post%'")
        (size,) = cursor.fetchone()
        return f"FTS5 tables {size / 2**20:.0f} MB" if size else "FTS5 tables: dbstat unavailable"


def write_cost(author, count: int) -> float:
    """Milliseconds per post_create, mean of `count`, in a transaction rolled back after."""
    from django.db import transaction

    from posts import services

    class Rollback(Exception):
        pass

    times = []
    try:
        with transaction.atomic():
            for number in range(count):
                start = time.perf_counter()
                services.post_create(author=author, text=f"Bench write {number} final mix notes")
                times.append((time.perf_counter() - start) * 1000)
            raise Rollback
    except Rollback:
        pass
    return statistics.mean(times[5:])


def write_cost_without_index(author, count: int) -> float:
    from django.db import connection, transaction

    class Rollback(Exception):
        pass

    result = 0.0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE posts_post DROP COLUMN search")
            else:
                for name in ("insert", "delete", "update"):
                    cursor.execute(f"DROP TRIGGER search_post_{name}")
            result = write_cost(author, count)
            raise Rollback
    except Rollback:
        pass
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--writes", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ["RATE_LIMIT_SEARCH"] = "100000000/1s"
    os.environ["RATE_LIMIT_POST"] = "100000000/1s"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from accounts.models import User
    from follows.management.commands.seed_bench import COMMON_WORD, PHRASE, RARE_WORD
    from posts.models import Post

    # Plain static names: no collectstatic needed for a benchmark of pages' work.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    posts = Post.objects.count()
    by_posts = User.objects.annotate(n=Count("posts"))
    prolific = by_posts.order_by("-n").values_list("username", flat=True)[0]
    # Someone with a few dozen posts, a few of them with the common word.
    quiet = (
        by_posts.filter(n__gte=20, n__lte=40).order_by("pk").values_list("username", flat=True)[0]
    )
    from search import selectors
    from search.query import parse

    searches = [
        ("a common word", COMMON_WORD, {}),
        ("a rare word", RARE_WORD, {}),
        ("a phrase", f'"{PHRASE}"', {}),
        ("from: the most prolific author", f"from:{prolific}", {}),
        ("from: that author and a common word", f"from:{prolific} {COMMON_WORD}", {}),
        ("from: that author and a rare word", f"from:{prolific} {RARE_WORD}", {}),
        ("from: a quiet author and a common word", f"from:{quiet} {COMMON_WORD}", {}),
        ("a common word, best match", COMMON_WORD, {"best": True}),
        ("a rare word, best match", RARE_WORD, {"best": True}),
    ]
    person = User.objects.get(username="bench1000")
    print(f"\n{connection.vendor}, {posts:,} posts, {args.repeats} runs each\n")
    print("Finding a page of 20 posts: the index and the posts' card data (matching_posts), ms\n")
    print("| search | who | p50 | p95 | max | queries |\n|---|---|---:|---:|---:|---:|")
    worst = 0.0
    for name, typed, options in searches:
        query = parse(typed)
        for who, viewer in (("bench1000", person), ("visitor", None)):

            def call(viewer=viewer, query=query, options=options):
                selectors.matching_posts(viewer=viewer, query=query, **options)

            times, queries = timed(call, args.repeats)
            p95 = percentile(times, 0.95)
            worst = max(worst, p95)
            print(
                f"| {name} (`{typed}`) | {who} | {statistics.median(times):.1f} | "
                f"{p95:.1f} | {max(times):.1f} | {queries} |"
            )
    print(f"\nslowest p95: {worst:.1f} ms (target: under 50 ms)\n")
    member, visitor = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    member.force_login(person)
    pages = [
        ("the public timeline (for comparison)", "/public/"),
        ("search, a common word", "/search/?" + urlencode({"q": COMMON_WORD})),
        ("search, a rare word", "/search/?" + urlencode({"q": RARE_WORD})),
        ("search, people in a city", "/search/?q=Berlin&type=people"),
        ("the directory by city (for comparison)", "/people/?location=Berlin"),
        ("search, tags by a prefix", "/search/?q=%23m&type=tags"),
    ]
    print("Whole pages through Django's test client (middleware, session, template), ms\n")
    print("| page | who | p50 | p95 | queries |\n|---|---|---:|---:|---:|")
    for name, path in pages:
        for who, client in (("bench1000", member), ("visitor", visitor)):
            times, queries = timed(_get(client, path), args.repeats)
            print(
                f"| {name} | {who} | {statistics.median(times):.1f} | "
                f"{percentile(times, 0.95):.1f} | {queries} |"
            )
    print(f"\nindex: {index_size()}")
    with_index = write_cost(person, args.writes)
    without = write_cost_without_index(person, args.writes)
    print(
        f"post_create, mean of {args.writes}: {with_index:.2f} ms with the index, "
        f"{without:.2f} ms without (+{with_index - without:.2f} ms)"
    )


if __name__ == "__main__":
    main()
