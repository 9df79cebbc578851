"""Build a realistic instance quickly, for benchmarks: `manage.py seed_bench --users N --posts M`.

The shape follows a professional network: industries and cities weighted toward music, sound and
post-production in a few big cities; a power-law follow graph (most people follow 50-300, a few
follow thousands, three accounts are followed by most people, with a pull toward one's own industry
and city); posts over two years by authors of skewed activity, with hashtags, mentions, links,
replies, reposts and likes; and the home timelines the app keeps (each person's newest
TIMELINE_MAX_ENTRIES posts from the people they follow and their own).

Rows are written with COPY on PostgreSQL and bulk inserts on SQLite, straight into the tables, so
no signal or service runs; the result is what those services would have built. It also creates the
benchmark people `bench10`, `bench100`, `bench1000` and `bench5000`, who follow exactly that many
others (as far as there are people), and refuses to run on a database that already has people.
"""

import bisect
import contextlib
import heapq
import io
import itertools
import json
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from accounts.models import Industry, User
from follows.models import Follow, TimelineEntry
from posts.models import Hashtag, Like, Post

CITIES = [
    ("Los Angeles", 14),
    ("Berlin", 12),
    ("London", 12),
    ("New York", 12),
    ("Paris", 6),
    ("Toronto", 5),
    ("Stockholm", 4),
    ("Tokyo", 4),
    ("Melbourne", 3),
    ("Atlanta", 3),
    ("Nashville", 3),
    ("Mexico City", 3),
    ("Amsterdam", 3),
    ("Seoul", 2),
    ("Lagos", 2),
    ("São Paulo", 2),
    ("Mumbai", 2),
    ("Barcelona", 2),
    ("Montreal", 2),
    ("Vancouver", 2),
]
INDUSTRY_WEIGHTS = {
    "music": 16,
    "audio-and-sound-design": 14,
    "film-and-tv-post-production": 14,
    "music-production-and-engineering": 12,
    "film-and-tv-production": 8,
    "games": 6,
    "broadcasting-and-radio": 4,
    "podcasting": 4,
    "live-events-and-touring": 5,
    "animation-and-visual-effects": 4,
    "music-publishing-and-licensing": 3,
}
FIRST = [
    "Maya",
    "Jonas",
    "Priya",
    "Leo",
    "Aiko",
    "Sam",
    "Nadia",
    "Omar",
    "Lena",
    "Kofi",
    "Ines",
    "Tariq",
    "Zoe",
    "Marco",
    "Yuki",
    "Ada",
    "Felix",
    "Rosa",
    "Dev",
    "Noor",
    "Ivan",
    "Chloe",
]
LAST = [
    "Okafor",
    "Weber",
    "Raman",
    "Martins",
    "Tanaka",
    "Fischer",
    "Haddad",
    "Silva",
    "Kim",
    "Novak",
    "Dubois",
    "Mensah",
    "Costa",
    "Larsen",
    "Ito",
    "Moreau",
    "Reyes",
    "Singh",
]
TAGS = [
    "mixing",
    "foley",
    "sounddesign",
    "postproduction",
    "adr",
    "mastering",
    "synth",
    "jazz",
    "techno",
    "filmscore",
    "atmos",
    "fieldrecording",
    "podcast",
    "gameaudio",
    "jobs",
    "gear",
    "studio",
    "livesound",
    "dialogue",
    "colorgrading",
    "vfx",
    "composer",
    "vinyl",
    "modular",
]
SENTENCES = [
    "Working on the final mix for a documentary",
    "Recording foley in a tiny booth today",
    "Looking for a session bassist next week",
    "Conforming after a late picture change",
    "New plugin chain for dialogue cleanup",
    "Tracking strings at the big room",
    "ADR session went long but we got it",
    "Anyone hiring an assistant editor",
    "Sampling rain on a tin roof",
    "Stems delivered two days early",
    "Testing a new Atmos bed",
    "Need a composer for a horror short",
]
BATCH = 50_000


def weighted_sampler(weights: list[float], rng: random.Random):
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]

    def sample() -> int:
        return bisect.bisect_left(cumulative, rng.random() * total)

    return sample


class Writer:
    """Appends rows to a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, table: str, columns: list[str]):
        self.table, self.columns = table, columns

    def write(self, rows) -> int:
        count = 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for chunk in itertools.batched(rows, BATCH):
                        buffer = io.StringIO()
                        for row in chunk:
                            buffer.write("\t".join(_copy_text(value) for value in row))
                            buffer.write("\n")
                        copy.write(buffer.getvalue())
                        count += len(chunk)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            # Table and column names come from our models, never from input.
            sql = f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})"  # noqa: S608
            with connection.cursor() as cursor:
                for chunk in itertools.batched(rows, BATCH):
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
        return count


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@contextlib.contextmanager
def indexes_built_after(tables: list[str]):
    """On PostgreSQL, drop the tables' secondary indexes, unique and foreign-key constraints
    while rows are loaded, and add them back after: one index build and one join to check each,
    instead of index inserts and (deferred) foreign-key triggers for every row, which were most
    of a large seed's time (bench/README.md). Primary keys and CHECK constraints stay."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        # Unique constraints first: the foreign keys pointing at them need their indexes.
        for table, name, definition in sorted(constraints, key=lambda c: c[2].startswith("FOR")):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


class Command(BaseCommand):
    help = "Build a realistic benchmark instance (people, follows, posts, likes, timelines)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--posts", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, users, posts, seed, **options):
        if User.objects.exists():
            raise CommandError("seed_bench needs an empty database (it already has people).")
        if users < 20 or posts < users:
            raise CommandError("Use at least 20 people and at least as many posts as people.")
        self.rng = random.Random(seed)
        self.started = time.monotonic()
        tables = [User, Follow, Post, Post.hashtags.through, Post.mentions.through, Like]
        tables = [model._meta.db_table for model in [*tables, Hashtag, TimelineEntry]]
        with transaction.atomic(), indexes_built_after(tables):
            self.people(users)
            self.follows()
            self.posts(posts)
            self.likes_and_tags()
            self.timelines()
            self.reset_sequences()
        self.say("indexes and foreign keys in place")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Statistics, and the visibility map that lets index-only scans skip the rows.
                # VACUUM cannot run inside a transaction (a test's): ANALYZE alone there.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.say(f"done: {users:,} people, {posts:,} posts")

    def say(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:6.1f} s] {message}")

    # People -------------------------------------------------------------------------------------
    def people(self, count: int) -> None:
        rng = self.rng
        industries = {i.slug: i.id for i in Industry.objects.all()}
        slugs = [slug for slug in INDUSTRY_WEIGHTS if slug in industries]
        pick_industry = weighted_sampler([INDUSTRY_WEIGHTS[s] for s in slugs], rng)
        pick_city = weighted_sampler([w for _, w in CITIES], rng)
        password = make_password("bench-password-123")
        now = datetime.now(UTC)
        self.start = now - timedelta(days=730)
        self.user_ids = list(range(1, count + 1))
        self.industry_of, self.city_of = {}, {}
        special = {1: "bench10", 2: "bench100", 3: "bench1000", 4: "bench5000"}
        rows = []
        for uid in self.user_ids:
            industry = industries[slugs[pick_industry()]] if rng.random() < 0.95 else None
            city = CITIES[pick_city()][0] if rng.random() < 0.9 else ""
            self.industry_of[uid], self.city_of[uid] = industry, city
            first, last = rng.choice(FIRST), rng.choice(LAST)
            username = special.get(uid, f"{first.lower()}_{last.lower()}_{uid}")
            joined = self.start + timedelta(seconds=rng.random() * 730 * 86400 * 0.5)
            rows.append(
                (
                    uid,
                    password,
                    None,
                    False,
                    username,
                    "",
                    "",
                    f"{username}@example.com",
                    False,
                    True,
                    joined,
                    f"{first} {last}",
                    f"{rng.choice(SENTENCES)}. Based in {city or 'the world'}.",
                    industry,
                    city,
                    "",
                    rng.random() < 0.3,
                    None,
                )
            )
        columns = [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "display_name",
            "bio",
            "industry_id",
            "location",
            "website",
            "open_to_collaborate",
            "suspended_at",
        ]
        extra = _user_columns_with_defaults(columns)
        Writer(User._meta.db_table, columns + [c for c, _ in extra]).write(
            row + tuple(v for _, v in extra) for row in rows
        )
        self.say(f"{count:,} people")

    # Follows ------------------------------------------------------------------------------------
    def follows(self) -> None:
        rng, ids = self.rng, self.user_ids
        n = len(ids)
        # Popularity: a Zipf-like pull, plus three accounts followed by ~80% of people.
        popularity = [1 / (rank + 10) ** 0.9 for rank in range(n)]
        order = ids[:]
        rng.shuffle(order)
        weight_of = dict(zip(order, popularity, strict=True))
        stars = set(order[:3])
        pick = weighted_sampler([weight_of[u] for u in ids], rng)
        by_industry: dict = {}
        by_city: dict = {}
        for uid in ids:
            by_industry.setdefault(self.industry_of[uid], []).append(uid)
            by_city.setdefault(self.city_of[uid], []).append(uid)
        special = {1: 10, 2: 100, 3: 1000, 4: 5000}
        self.followees: dict[int, list[int]] = {}
        for uid in ids:
            if uid in special:
                wanted = min(special[uid], n - 1)
                chosen = set(rng.sample([u for u in ids if u != uid], wanted))
            else:
                # Log-normal out-degree: median ~116, most between 30 and 400, a few thousands.
                wanted = int(min(n - 1, max(5, rng.lognormvariate(4.75, 0.75))))
                chosen = {s for s in stars if rng.random() < 0.8 and s != uid}
                attempts = 0
                while len(chosen) < wanted and attempts < wanted * 4:
                    attempts += 1
                    roll = rng.random()
                    if roll < 0.25 and self.industry_of[uid] is not None:
                        candidate = rng.choice(by_industry[self.industry_of[uid]])
                    elif roll < 0.35 and self.city_of[uid]:
                        candidate = rng.choice(by_city[self.city_of[uid]])
                    else:
                        candidate = ids[pick()]
                    if candidate != uid:
                        chosen.add(candidate)
            self.followees[uid] = sorted(chosen)
        created = self.start + timedelta(days=400)
        total = Writer(Follow._meta.db_table, ["follower_id", "followee_id", "created_at"]).write(
            (uid, followee, created) for uid in ids for followee in self.followees[uid]
        )
        self.say(f"{total:,} follows")

    # Posts --------------------------------------------------------------------------------------
    def posts(self, count: int) -> None:
        rng, ids = self.rng, self.user_ids
        activity = [rng.paretovariate(1.1) for _ in ids]
        for special in (1, 2, 3, 4):
            activity[special - 1] = max(activity[special - 1], 3.0)
        pick_author = weighted_sampler(activity, rng)
        span = 730 * 86400
        self.posts_by_author: dict[int, list[int]] = {uid: [] for uid in ids}
        self.tagged: list[tuple[int, int]] = []
        self.mentioned: list[tuple[int, int]] = []
        reposted: set[tuple[int, int]] = set()
        usernames = dict(User.objects.values_list("id", "username"))

        def rows():
            for pid in range(1, count + 1):
                author = ids[pick_author()]
                created = self.start + timedelta(seconds=span * pid / (count + 1))
                reply_to = repost_of = None
                text = rng.choice(SENTENCES)
                mentioned = []
                roll = rng.random()
                if pid > 100 and roll < 0.05:
                    repost_of = rng.randrange(max(1, pid - 5000), pid)
                    if (author, repost_of) in reposted:
                        repost_of = None
                    else:
                        reposted.add((author, repost_of))
                        text = ""
                elif pid > 100 and roll < 0.15:
                    reply_to = rng.randrange(max(1, pid - 2000), pid)
                if repost_of is None:
                    extra = rng.random()
                    if extra < 0.2:
                        tag = rng.randrange(len(TAGS))
                        text += f" #{TAGS[tag]}"
                        self.tagged.append((pid, tag))
                    elif extra < 0.3:
                        other = ids[pick_author()]
                        if other != author:
                            text = f"@{usernames[other]} {text}"
                            mentioned = [usernames[other]]
                            self.mentioned.append((pid, other))
                    elif extra < 0.38:
                        text += f" https://example.com/work/{pid}"
                self.posts_by_author[author].append(pid)
                if reply_to:
                    reply_counts[reply_to] += 1
                if repost_of:
                    repost_counts[repost_of] += 1
                yield [
                    pid,
                    author,
                    text,
                    created,
                    reply_to,
                    repost_of,
                    None,
                    json.dumps(mentioned),
                    None,
                ]

        reply_counts, repost_counts = Counter(), Counter()
        posts = list(rows())
        self.likes = self.pick_likes(len(posts))
        like_counts = Counter(post_id for _, post_id in self.likes)
        for row in posts:
            pid = row[0]
            row += [like_counts[pid], repost_counts[pid], reply_counts[pid]]
        columns = [
            "id",
            "author_id",
            "text",
            "created_at",
            "in_reply_to_id",
            "repost_of_id",
            "removed_at",
            "mentioned_usernames",
            "client_token",
            "like_count",
            "repost_count",
            "reply_count",
        ]
        total = Writer(Post._meta.db_table, columns).write(posts)
        self.post_count = total
        self.say(f"{total:,} posts")

    def pick_likes(self, post_count: int) -> list[tuple[int, int]]:
        """About one like a post, the newest posts the most liked: (user_id, post_id) pairs."""
        rng, ids = self.rng, self.user_ids
        pick_post = weighted_sampler([1 / (rank + 50) for rank in range(post_count)][::-1], rng)
        likes = {(rng.choice(ids), pick_post() + 1) for _ in range(post_count)}
        return sorted(likes)

    def likes_and_tags(self) -> None:
        Writer(Hashtag._meta.db_table, ["id", "name"]).write(
            (index + 1, name) for index, name in enumerate(TAGS)
        )
        tags = Writer(Post.hashtags.through._meta.db_table, ["post_id", "hashtag_id"]).write(
            (pid, tag + 1) for pid, tag in self.tagged
        )
        mentions = Writer(Post.mentions.through._meta.db_table, ["post_id", "user_id"]).write(
            self.mentioned
        )
        created = datetime.now(UTC)
        total = Writer(Like._meta.db_table, ["user_id", "post_id", "created_at"]).write(
            (user_id, post_id, created) for user_id, post_id in self.likes
        )
        self.say(f"{total:,} likes, {tags:,} hashtags, {mentions:,} mentions")

    def timelines(self) -> None:
        cap = settings.TIMELINE_MAX_ENTRIES

        def rows():
            for owner in self.user_ids:
                sources = [self.posts_by_author[owner]] + [
                    self.posts_by_author[f] for f in self.followees[owner]
                ]
                newest = heapq.merge(*(reversed(s) for s in sources if s), reverse=True)
                for post_id in itertools.islice(newest, cap):
                    yield (owner, post_id)

        total = Writer(TimelineEntry._meta.db_table, ["owner_id", "post_id"]).write(rows())
        self.say(f"{total:,} timeline entries (newest {cap} a person)")

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(
            no_style(), [User, Follow, Post, Hashtag, Like, TimelineEntry]
        )
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _user_columns_with_defaults(known: list[str]) -> list[tuple[str, object]]:
    """Columns added to User after this command was written, with their defaults."""
    extra = []
    for field in User._meta.concrete_fields:
        if field.column in known:
            continue
        if field.has_default():
            extra.append((field.column, field.get_default()))
        elif field.null:
            extra.append((field.column, None))
        else:
            extra.append((field.column, ""))
    return extra
