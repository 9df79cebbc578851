"""The benchmark's data and endpoints: seed a database, sign a person in, find the URLs to load.

Everything is discovered the way a browser would find it (links on the pages), with Django's test
client against the benchmark database, which also counts the queries of each request.
"""

import os
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlparse

from bench.run import Endpoint

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Scenario:
    description: str
    endpoints: list[Endpoint]
    headers: list[str]
    extra_lines: list[str]


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=True,
    ).stdout


def reset_database(env, name: str) -> None:
    if env["DATABASE_URL"].startswith("sqlite"):  # BENCH_DATABASE_URL=sqlite:////path/bench.db
        import dj_database_url

        path = Path(dj_database_url.parse(env["DATABASE_URL"])["NAME"])
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        return
    for command in (["dropdb", "--if-exists", "--force"], ["createdb"]):
        subprocess.run(
            [*command, "-h", "127.0.0.1", "-U", "postgres", name], check=True, capture_output=True
        )


def prepare(*, env: dict, args) -> Scenario:
    url = urlparse(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "microblog.settings"
    import django

    django.setup()
    from accounts.models import User

    if not args.reuse or not _seeded():
        reset_database(env, name)
        manage(env, "migrate", "--noinput")
        print(manage(env, "seed_bench", "--users", str(args.users), "--posts", str(args.posts)))
    else:
        manage(env, "migrate", "--noinput")  # a reused database gets the code's newer tables
        _forget_earlier_runs()
    manage(env, "collectstatic", "--noinput")

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from follows.management.commands.seed_bench import COMMON_WORD, TAGS
    from posts.models import Post

    person = User.objects.get(username="bench1000")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(person)
    home = client.get("/")
    assert home.status_code == 200, home.status_code
    cursor_path = "/"
    for _ in range(9):
        html = client.get(cursor_path).content.decode()
        match = re.search(r'href="(/\?before=\d+)"', html)
        if not match:
            break
        cursor_path = match.group(1)
    author = (
        User.objects.annotate(n=Count("followers"))
        .order_by("-n")
        .values_list("username", flat=True)
    )[0]
    thread = (
        Post.objects.visible()
        .filter(repost_of__isnull=True)
        .annotate(n=Count("replies"))
        .order_by("-n")
        .select_related("author")
        .first()
    )
    filters = urlencode(
        {
            "industry": person.industry.slug if person.industry else "",
            "location": person.location or "Berlin",
        }
    )
    endpoints = [
        Endpoint("home timeline, page 1", "/"),
        Endpoint("home timeline, page 10 (keyset)", cursor_path),
        api_home := Endpoint(
            "API home timeline (20 statuses, token auth)",
            "/api/v1/timelines/home",
            headers=[f"Authorization: Bearer {_api_token(person)}"],
        ),
        new_posts := Endpoint("new-posts check (nothing new)", _poll_path(client)),
        Endpoint("profile page", f"/@{author}/"),
        Endpoint("public timeline", "/public/"),
        Endpoint("tag timeline, a common tag", f"/tags/{TAGS[0]}/"),
        Endpoint("industry timeline", f"/industries/{person.industry.slug}/"),
        Endpoint("directory by industry and location", f"/people/?{filters}"),
        Endpoint("post permalink with replies", f"/@{thread.author.username}/{thread.id}/"),
        Endpoint("search posts, a common word", f"/search/?q={COMMON_WORD}"),
        Endpoint("create a post (POST, CSRF)", "/compose/", method="POST", body="text=bench+post"),
    ]
    for endpoint in endpoints:
        with CaptureQueriesContext(connection) as queries:
            if endpoint.headers is not None:  # as an app sends it: no cookie, its own headers
                sent = dict(header.split(": ", 1) for header in endpoint.headers)
                response = Client(HTTP_HOST="127.0.0.1").get(endpoint.path, headers=sent)
            elif endpoint.method == "POST":
                response = client.post(endpoint.path, {"text": "counting queries"})
            else:
                response = client.get(endpoint.path)
        assert response.status_code in (200, 204, 302), (endpoint.path, response.status_code)
        endpoint.queries = len(queries)
    app = dict(header.split(": ", 1) for header in api_home.headers)
    statuses = Client(HTTP_HOST="127.0.0.1").get(api_home.path, headers=app).json()
    assert len(statuses) == 20, f"the API home timeline has {len(statuses)} statuses, not 20"
    # Counting posted once: the check starts after that post, so that it finds nothing new.
    new_posts.path = _poll_path(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(new_posts.path, headers={"HX-Request": "true"})
    assert (response.status_code, len(queries)) == (204, 1), "the poll took the long way"

    csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    if not csrf:
        client.get("/")
        csrf = client.cookies["csrftoken"].value
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    headers = [
        f"Cookie: {cookie}",
        f"X-CSRFToken: {csrf}",
        "Content-Type: application/x-www-form-urlencoded",
    ]
    counts = {
        "people": User.objects.count(),
        "posts": Post.objects.count(),
        "follows of the signed-in person": person.following.count(),
    }
    description = ", ".join(f"{value:,} {key}" for key, value in counts.items())
    return Scenario(description=description, endpoints=endpoints, headers=headers, extra_lines=[])


def _forget_earlier_runs() -> None:
    """Delete what earlier runs posted as bench1000 ("create a post", thousands a run, and the
    query count's post) and rebuild their stored home timeline: those posts had pushed the
    seeded ones out of its newest TIMELINE_MAX_ENTRIES, so both home timelines showed only
    bench1000's own "bench post"s, one author and no mentions, after a run or two."""
    from django.db.models import Q

    from accounts.models import User
    from follows.services import timeline_rebuild
    from posts.models import Post
    from posts.services import author_stats_refresh

    person = User.objects.get(username="bench1000")
    written = Q(text__startswith="bench post") | Q(text__startswith="counting queries")
    Post.objects.filter(written, author=person).delete()
    author_stats_refresh(author_ids=[person.pk])
    timeline_rebuild(owner=person)


def _api_token(person) -> str:
    """A bearer token of `person` with scope "read", as an app holds one after the person
    authorized it; a new one each run (the old ones are deleted)."""
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application

    app, _ = Application.objects.get_or_create(
        name="bench",
        defaults={
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "algorithm": "",
        },
    )
    AccessToken.objects.filter(application=app).delete()
    token = secrets.token_urlsafe(32)
    AccessToken.objects.create(
        user=person,
        application=app,
        token=token,
        scope="read",
        expires=timezone.now() + timedelta(days=1),
    )
    return token


def _poll_path(client) -> str:
    """The home page's poll as its poller sends it: after the newest post, with its token."""
    page = client.get("/").content.decode()
    newest = max(int(n) for n in re.findall(r'id="post-(\d+)"', page))
    token = re.search(r'"poll": "([^"]+)"', page).group(1)
    return f"/home/new/?{urlencode({'after': newest, 'poll': token})}"


def _seeded() -> bool:
    from accounts.models import User

    try:
        return User.objects.filter(username="bench1000").exists()
    except Exception:  # noqa: BLE001 (no tables yet)
        return False
