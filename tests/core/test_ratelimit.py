import threading
from types import SimpleNamespace

import pytest
from django.db import connection

from core import ratelimit
from core.models import RateLimitWindow
from core.ratelimit import Rate, RateLimited, client_ip, rate_limit_hit
from posts.models import Post


@pytest.mark.parametrize(
    ("text", "limit", "period"),
    [("300/3h", 300, 10800), ("25/5m", 25, 300), ("400/1d", 400, 86400), ("5/s", 5, 1)],
)
def test_rates_are_parsed_from_settings_text(text, limit, period):
    assert Rate.parse(text) == Rate(limit=limit, period=period)


def test_a_malformed_rate_is_refused_with_an_example():
    with pytest.raises(ValueError, match="A rate looks like 300/3h"):
        Rate.parse("lots")


def test_the_action_past_the_limit_is_refused_with_the_wait(db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "2/1h"}
    rate_limit_hit(scope="post", key="user:1")
    rate_limit_hit(scope="post", key="user:1")

    with pytest.raises(RateLimited) as refused:
        rate_limit_hit(scope="post", key="user:1")

    assert 0 < refused.value.retry_after <= 3600
    rate_limit_hit(scope="post", key="user:2")  # someone else is not affected


def test_over_the_limit_a_page_says_when_to_try_again(client_logged_in, settings):
    """The limit is counted by the service (post_create); the page comes from the middleware."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "1/1h"}
    assert client_logged_in.post("/compose/", {"text": "one"}).status_code == 302

    response = client_logged_in.post("/compose/", {"text": "two"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "too many times" in response.content.decode()
    assert "<html" in response.content.decode()
    assert client_logged_in.get("/compose/").status_code == 200  # only posting counts
    assert Post.objects.count() == 1


def test_over_the_limit_htmx_gets_a_message_for_the_flash_area(client_logged_in, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "1/1h"}
    client_logged_in.post("/compose/", {"text": "one"}, headers={"HX-Request": "true"})

    response = client_logged_in.post("/compose/", {"text": "two"}, headers={"HX-Request": "true"})

    assert response.status_code == 429
    assert response["HX-Retarget"] == "#flash"
    assert "<html" not in response.content.decode()
    assert "too many times" in response.content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database refuses concurrent writers; CI runs it on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_actions_at_the_same_moment_are_each_counted(settings, monkeypatch):
    """Eight threads, each with its own database connection as each worker has, act at once:
    every action is counted and exactly the limit gets through (the database cache's
    read-then-write incr() lost counts here, letting more through)."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "100/1h"}
    # one window for the whole test, even if it runs across the hour
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    start = threading.Barrier(8)
    outcomes = []

    def worker():
        start.wait()
        try:
            for _ in range(25):
                try:
                    rate_limit_hit(scope="post", key="user:7")
                    outcomes.append("allowed")
                except RateLimited:
                    outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("allowed") == 100
    assert outcomes.count("refused") == 100
    assert RateLimitWindow.objects.get().count == 200


def test_a_new_window_clears_the_expired_ones(db, settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "5/1s"}
    rate_limit_hit(scope="post", key="user:1")
    RateLimitWindow.objects.update(expires_at="2000-01-01T00:00:00Z")

    with django_capture_on_commit_callbacks(execute=True):
        rate_limit_hit(scope="post", key="user:2")

    assert list(RateLimitWindow.objects.values_list("key", flat=True)) == [
        RateLimitWindow.objects.get().key
    ]
    assert RateLimitWindow.objects.get().key.startswith("ratelimit:post:user:2:")


def test_only_a_real_address_goes_into_the_keys(rf, settings):
    """Behind a proxy the last X-Forwarded-For entry is the client; anything that is not an
    address (a proxy passing the header through untouched) is ignored, not made part of a key."""
    settings.USE_X_FORWARDED_FOR = True
    forwarded = rf.get(
        "/", HTTP_X_FORWARDED_FOR="198.51.100.7, 2001:db8::1", REMOTE_ADDR="10.0.0.5"
    )
    assert client_ip(forwarded) == "2001:db8::1"

    junk = rf.get("/", HTTP_X_FORWARDED_FOR="x" * 300, REMOTE_ADDR="10.0.0.5")
    assert client_ip(junk) == "10.0.0.5"

    settings.USE_X_FORWARDED_FOR = False
    assert client_ip(forwarded) == "10.0.0.5"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="an UNLOGGED table is PostgreSQL's")
@pytest.mark.django_db
def test_the_counts_table_is_unlogged_on_postgresql():
    """The counts live in an UNLOGGED table, kept out of the write-ahead log: committing one
    does not wait for the disk, and a rate-limited request (a post, a like) waits once, for its
    own data, not twice."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE oid = %s::regclass",
            [RateLimitWindow._meta.db_table],
        )
        assert cursor.fetchone() == ("u",)


def _limited_actions():
    """Each rate-limited action, called the way any front end calls it: the service (or, for
    logging in, Django's authenticate(), whose backend counts). Each takes the attempt number."""
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    from accounts import services as accounts
    from follows.services import follow_create
    from moderation.services import report_create
    from posts import services as posts
    from security import services as security
    from tests.factories import UserFactory, post_published

    me = UserFactory(username="actor", email="actor@example.com")
    target = post_published(UserFactory(), "something to act on")

    def like(n):
        (posts.like_create, posts.like_delete)[n % 2](user=me, post=target)

    def login(n):
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.7")
        authenticate(request, username="actor", password="wrong")

    return {
        "post": lambda n: posts.post_create(author=me, text=f"post {n}"),
        "like": like,
        "follow": lambda n: follow_create(follower=me, followee=UserFactory()),
        "report": lambda n: report_create(
            reporter=me, post=post_published(UserFactory(), f"bad {n}"), category="spam"
        ),
        "block": lambda n: accounts.block_create(blocker=me, blocked=UserFactory()),
        "signup": lambda n: accounts.user_signup(
            username=f"new{n}",
            email=f"new{n}@example.com",
            password="a long pass 42",
            address="203.0.113.7",
        ),
        "password_reset": lambda n: security.password_reset_request(
            email="actor@example.com",
            address="203.0.113.7",
            domain="testserver",
            use_https=False,
        ),
        "login": login,
    }


@pytest.mark.parametrize(
    "scope", ["post", "like", "follow", "report", "block", "signup", "password_reset", "login"]
)
def test_every_limited_action_is_counted_where_every_front_end_passes(db, settings, scope):
    """The limits live in the services (and the login backend), not in one front end's views:
    calling them directly, as the client API will, is limited the same."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: "2/1h"}
    act = _limited_actions()[scope]
    act(0)
    act(1)

    with pytest.raises(RateLimited) as refused:
        act(2)

    assert refused.value.scope == scope
