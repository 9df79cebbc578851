"""seed_bench builds a consistent instance: what the services would have written, on either
database, with every index and constraint in place afterwards."""

import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from accounts.models import User
from follows.management.commands.seed_bench import (
    COMMON_WORD,
    PHRASE,
    RARE_WORD,
    VOCABULARY,
    text_sampler,
)
from follows.models import Follow, TimelineEntry
from posts.models import Like, Post
from posts.text import MAX_LENGTH, normalize, post_length

pytestmark = pytest.mark.django_db


def schema() -> set:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return {
            (table, name, tuple(details["columns"]), details["unique"], details["foreign_key"])
            for table in tables
            for name, details in connection.introspection.get_constraints(cursor, table).items()
        }


def test_seed_bench_writes_consistent_rows_and_keeps_the_schema(capsys):
    before = schema()

    call_command("seed_bench", users=60, posts=900, seed=7)

    assert schema() == before
    assert User.objects.count() == 60
    assert Post.objects.count() == 900
    assert Follow.objects.filter(follower__username="bench10").count() == 10
    assert Follow.objects.filter(follower__username="bench1000").count() == 59  # everyone else
    # The stored counts are what counting the rows gives.
    counted = ("id", "like_count", "repost_count", "reply_count")
    stored = set(Post.objects.values_list(*counted))
    assert sum(row[1] for row in stored) == Like.objects.count() > 0
    Post.objects.counts_refresh()
    assert set(Post.objects.values_list(*counted)) == stored
    assert Post.objects.filter(repost_count__gt=0).exists()
    assert Post.objects.filter(reply_count__gt=0).exists()
    # Each timeline holds its owner's and their followees' newest posts.
    bench10 = User.objects.get(username="bench10")
    authors = {*Follow.objects.filter(follower=bench10).values_list("followee_id", flat=True)}
    timeline = TimelineEntry.objects.filter(owner=bench10).values_list("post__author_id")
    assert {author for (author,) in timeline} <= authors | {bench10.pk}
    assert timeline.count() == Post.objects.filter(author_id__in=authors | {bench10.pk}).count()
    assert "done: 60 people, 900 posts" in capsys.readouterr().out


def test_seed_bench_refuses_a_database_that_has_people():
    User.objects.create_user("already_here")
    with pytest.raises(Exception, match="needs an empty database"):
        call_command("seed_bench", users=60, posts=900)


def test_likes_lean_toward_the_newest_posts():
    call_command("seed_bench", users=60, posts=900, seed=7)
    newest = Post.objects.filter(id__gt=800).aggregate(n=Count("likes"))["n"]
    oldest = Post.objects.filter(id__lte=100).aggregate(n=Count("likes"))["n"]
    assert newest > 3 * oldest


def test_seeded_texts_are_varied_and_within_the_length_rule():
    call_command("seed_bench", users=60, posts=900, seed=7)

    texts = list(Post.objects.exclude(text="").values_list("text", flat=True))
    assert len(texts) > 800
    assert len(set(texts)) > 0.8 * len(texts)
    assert all(text == normalize(text) and post_length(text) <= MAX_LENGTH for text in texts)
    assert any("#" in text for text in texts)
    assert any("https://example.com/work/" in text for text in texts)
    assert any(text.startswith("@") for text in texts)
    # Reposts carry no text of their own.
    assert not Post.objects.filter(repost_of__isnull=False).exclude(text="").exists()


def test_texts_follow_the_seed_and_the_budget():
    first, again = text_sampler(random.Random(3)), text_sampler(random.Random(3))
    texts = [first(90) for _ in range(2000)]

    assert texts == [again(90) for _ in range(2000)]
    assert max(len(text) for text in texts) <= 90


def test_the_benchmark_words_are_as_frequent_as_documented():
    """The module docstring's figures, on 100,000 texts: a search benchmark relies on them."""
    text = text_sampler(random.Random(2026))
    texts = [text(MAX_LENGTH).casefold() for _ in range(100_000)]
    words = [set(text.split()) for text in texts]

    assert 0.025 < sum(COMMON_WORD in each for each in words) / len(texts) < 0.06
    assert 10 <= sum(RARE_WORD in each for each in words) <= 60
    assert 0.005 < sum(PHRASE in text for text in texts) / len(texts) < 0.02
    assert len(VOCABULARY) == len({word.casefold() for word in VOCABULARY})
    assert any("ß" in word for word in VOCABULARY) and "café" in VOCABULARY
