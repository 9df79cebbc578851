"""The API walker: every token-authenticated view of the client API, by every method, as every
kind of caller, and with hostile values in every parameter it reads.

The views come from Django's URL resolver (the API's CSRF-exempt views, as
tests/security/test_permissions.py leaves them here), so an endpoint added anywhere is walked.
Each says its methods, scope and whether it needs a person (`api.http.endpoint`); the walker
holds every answer to those:
- no answer is a server error, and every answer is JSON;
- without a token, a method that needs a person is 401, and nothing is ever written;
- a token without the scope is 403 "outside the authorized scopes"; an app's own token (no
  person) is 422 where a person is needed; a suspended person's token is 403 everywhere;
- a GET writes to no table (rate-limit windows aside: a search counts), nor does a refused
  write;
- someone else's post, picture, notification or conversation cannot be changed or read
  privately by a stranger;
- every parameter a view reads, given each hostile value (by query string and JSON body),
  answers without a server error.
Run with `-s` for the figures.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api import http as api_http
from conversations import services as conversation_services
from follows import services as follow_services
from posts import services as post_services
from posts.models import Notification
from tests.accounts.images import image_upload
from tests.api.conftest import ApiClient, token_for
from tests.factories import UserFactory, post_published
from tests.security.test_hostile_parameters import HOSTILE
from tests.security.test_permissions import changed_models, snapshot

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Written by reads on purpose: a search counts against its rate limit, the instance's counts
# are kept a minute in the cache (the database's, without Redis), and the site's settings row
# is made the first time anyone reads it.
CHANGED_BY_READS = frozenset({"core_ratelimitwindow", "django_cache", "accounts_sitesettings"})
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def tables_written(queries) -> set[str]:
    """The tables the statements of a request wrote to."""
    written = set()
    for query in queries:
        match = _WRITE.match(query["sql"])
        if match:
            written.add(match.group(2).lower())
    return written


def sent_writing(client, method, path, **kwargs) -> tuple:
    """The response and the tables it wrote to (rate-limit windows aside)."""
    with CaptureQueriesContext(connection) as queries:
        response = send(client, method, path, **kwargs)
    return response, tables_written(queries.captured_queries) - CHANGED_BY_READS


# Views anyone may send to without a token: registering an app, and OAuth's own endpoints,
# which authenticate the app by its credentials.
OPEN_WRITES = ("api/v1/apps", "oauth/")
SUMMARY: Counter = Counter()


@dataclass
class Endpoint:
    route: str
    callback: object
    name: str

    @property
    def methods(self) -> frozenset:
        return frozenset(getattr(self.callback, "api_methods", METHODS))

    @property
    def scope(self) -> str | None:
        return getattr(self.callback, "api_scope", None)

    @property
    def needs_person(self) -> bool:
        return getattr(self.callback, "api_user", False)

    @property
    def is_endpoint(self) -> bool:
        """Wrapped by api.http.endpoint (OAuth's token and revoke views are the toolkit's)."""
        return hasattr(self.callback, "api_methods")


def endpoints() -> list[Endpoint]:
    found = []

    def walk(resolver, prefix: str, namespace: str):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern, route, inner)
            elif (
                isinstance(pattern, URLPattern)
                and namespace == "api:"
                and getattr(pattern.callback, "csrf_exempt", False)
                and pattern.name != "unknown"  # the catch-all: tests/api/test_http.py
            ):
                found.append(Endpoint(route, pattern.callback, pattern.name))

    walk(get_resolver(), "", "")
    return found


@dataclass
class World:
    target: object
    post: object
    picture: object
    draft: object
    notification: object
    conversation: object
    requester: object
    tokens: dict


def world_create() -> World:
    target = UserFactory(username="target", approve_followers=True)
    post = post_published(target, "Mixing the #foley for a short film")
    stranger = UserFactory(username="stranger")
    post_services.post_create(author=stranger, text="@target nice work", in_reply_to=post)
    post_services.like_create(user=stranger, post=post)
    picture = post_services.attachment_create(owner=target, upload=image_upload("PNG"))
    post_services.post_create(author=target, text="The desk", media=[(picture.pk, "A desk")])
    draft = post_services.attachment_create(owner=target, upload=image_upload("PNG"))
    requester = UserFactory(username="requester")
    follow_services.follow_create(follower=requester, followee=target)
    conversation = conversation_services.message_start(
        sender=target, recipient=UserFactory(username="friend"), text="Between the two of us"
    ).message.conversation
    suspended = UserFactory(username="suspended")
    tokens = {
        "anonymous": None,
        "owner": token_for(target),
        "stranger": token_for(stranger),
        "without scope": token_for(stranger, "push"),
        "app": token_for(None, "read write follow"),
        "suspended": token_for(suspended),
    }
    suspended.suspended_at = timezone.now()
    suspended.save()
    return World(
        target=target,
        post=post,
        picture=picture,
        draft=draft,
        notification=Notification.objects.filter(recipient=target).first(),
        conversation=conversation,
        requester=requester,
        tokens=tokens,
    )


_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def path_for(route: str, world: World, name: str = "") -> str:
    """The route with each argument filled by the world's thing of that kind: the target's
    account, post, picture, notification, conversation, a tag."""

    def value(match: re.Match) -> str:
        before = route[: match.start()]
        for piece, thing in (
            ("accounts/", world.target.pk),
            ("follow_requests/", world.requester.pk),
            ("media/", world.draft.pk),
            ("notifications/", world.notification.pk if world.notification else 1),
            ("conversations/", world.conversation.pk),
            ("tag/", "foley"),
            ("tags/", "foley"),
            ("lists/", 1),
            ("statuses/", world.post.pk),
        ):
            if before.endswith(piece):
                return str(thing)
        return str(world.post.pk)

    if route.startswith("^"):  # a regular expression: the NodeInfo documents' version
        return reverse(f"api:{name}", kwargs={"version": "2.0"})
    return "/" + _ARGUMENT.sub(value, route)


def send(client: ApiClient, method: str, path: str, data=None, *, query=None):
    if query:
        path = f"{path}?{query}"
    if method == "GET":
        return client.get(path, data or {})
    if method == "DELETE":
        return client.delete(path, data)
    return getattr(client, method.lower())(path, data or {})


def is_json(response) -> bool:
    if response.status_code == 204:
        return True
    if not response["Content-Type"].startswith("application/json"):
        return False
    json.loads(response.content)
    return True


@pytest.fixture
def world(db):
    return world_create()


@pytest.mark.parametrize("role", ["anonymous", "without scope", "app", "suspended", "stranger"])
def test_every_endpoint_as_every_caller(world, role, settings):
    settings.RATE_LIMITS = {name: "100000/1m" for name in settings.RATE_LIMITS}
    client = ApiClient(world.tokens[role])
    failures, walked = [], 0
    for endpoint in endpoints():
        path = path_for(endpoint.route, world, endpoint.name)
        for method in METHODS:
            response, written = sent_writing(client, method, path)
            walked += 1
            status = response.status_code
            where = f"{method} {path} as {role}: {status} {response.content[:200]!r}"
            if status >= 500 or not is_json(response):
                failures.append(where)
                continue
            if method not in endpoint.methods:
                if endpoint.is_endpoint and status != 405:
                    failures.append(f"{where} (not one of its methods: 405 expected)")
                continue
            if method == "GET" and written:
                failures.append(f"{where} wrote to {sorted(written)}")
            if not endpoint.is_endpoint:
                continue
            expected = expected_status(endpoint, role)
            if expected is not None and status != expected:
                failures.append(f"{where} (expected {expected})")
            refused = role in ("anonymous", "suspended", "without scope") and method in WRITES
            open_to_all = endpoint.route.startswith(OPEN_WRITES)
            if refused and written and not open_to_all:
                failures.append(f"{where} wrote to {sorted(written)}")
    SUMMARY[role] = walked
    print(f"\nAPI walk as {role}: {walked} requests, {len(endpoints())} endpoints")
    assert not failures, "\n".join(failures[:40])


def expected_status(endpoint: Endpoint, role: str) -> int | None:
    """What `role` must get from an endpoint whatever its parameters, when that is fixed."""
    if role == "suspended":
        return 403
    if role == "without scope" and endpoint.scope is not None:
        return 403
    if role == "anonymous" and endpoint.needs_person:
        return 401
    if role == "app" and endpoint.needs_person:
        return 422
    return None


# The things of the target's that a stranger may neither change nor read privately.
PRIVATE = (
    ("DELETE", "statuses/<id:pk>"),
    ("PUT", "statuses/<id:pk>"),
    ("GET", "media/<id:pk>"),
    ("PUT", "media/<id:pk>"),
    ("DELETE", "media/<id:pk>"),
    ("GET", "notifications/<id:pk>"),
    ("POST", "notifications/<id:pk>/dismiss"),
    ("POST", "statuses/<id:pk>/pin"),
    ("POST", "statuses/<id:pk>/unpin"),
    ("GET", "statuses/<id:pk>/source"),
    ("DELETE", "conversations/<id:pk>"),
    ("POST", "conversations/<id:pk>/read"),
)


def test_a_stranger_cannot_touch_the_targets_private_things(world):
    client = ApiClient(world.tokens["stranger"])
    failures, walked = [], 0
    for endpoint in endpoints():
        for method, tail in PRIVATE:
            if not endpoint.route.endswith(tail) or method not in endpoint.methods:
                continue
            path = path_for(endpoint.route, world, endpoint.name)
            before = snapshot()
            response = send(client, method, path)
            walked += 1
            # 422: Mastodon's answer to pinning someone else's post.
            if response.status_code not in (403, 404, 422):
                failures.append(f"{method} {path}: {response.status_code}")
            if changed_models(before, snapshot()):
                failures.append(f"{method} {path} changed {changed_models(before, snapshot())}")
    print(f"\nA stranger's private walk: {walked} requests")
    assert walked >= 6, "the walker found too few of the target's private things"
    assert not failures, "\n".join(failures)


# Values of the wrong type in a JSON body, beside the hostile strings.
JSON_VALUES = ([], {}, True, None, 1.5, -1, 2**70, [["1"]], {"a": {"b": 1}}, "\x00")


def reads_of(monkeypatch) -> set:
    """The parameter names views ask `Params` for while the walk runs."""
    names: set = set()
    for method in ("raw", "values", "ids", "file", "__contains__"):
        original = getattr(api_http.Params, method)

        def noting(self, name, *args, _original=original, **kwargs):
            names.add(name)
            return _original(self, name, *args, **kwargs)

        monkeypatch.setattr(api_http.Params, method, noting)
    return names


# The hostile walk in parts, so that test workers share it.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_no_hostile_parameter_makes_a_server_error(world, settings, monkeypatch, part):
    settings.RATE_LIMITS = {name: "100000/1m" for name in settings.RATE_LIMITS}
    names = reads_of(monkeypatch)
    client = ApiClient(world.tokens["owner"])
    failures, requests, parameters = [], 0, 0
    for endpoint in endpoints()[part::PARTS]:
        path = path_for(endpoint.route, world, endpoint.name)
        for method in sorted(endpoint.methods & set(METHODS)):
            names.clear()
            send(client, method, path)
            read = sorted(names)
            parameters += len(read)
            for name in read:
                for value in HOSTILE:
                    values = list(value) if isinstance(value, tuple) else [value]
                    query = "&".join(f"{name}={_quote(item)}" for item in values)
                    tries = [dict(query=query)]
                    if method != "GET":
                        tries.append(dict(data={name: values[-1]}))
                    for sent in tries:
                        response = send(client, method, path, **sent)
                        requests += 1
                        if response.status_code >= 500:
                            failures.append(f"{method} {path} {name}={value!r}: 500")
                if method != "GET":
                    for value in JSON_VALUES:
                        response = send(client, method, path, {name: value})
                        requests += 1
                        if response.status_code >= 500:
                            failures.append(f"{method} {path} JSON {name}={value!r}: 500")
    print(f"\nHostile API parameters, part {part}: {parameters} parameters, {requests} requests")
    assert parameters >= 10, "the walker found too few parameters"
    assert not failures, "\n".join(failures[:40])


def _quote(value: str) -> str:
    return quote(value, safe="")
