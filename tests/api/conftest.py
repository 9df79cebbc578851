"""Fixtures for the client API: tokens as an authorized app holds them, a JSON client, and the
entity schemas (tests/api/schemas/, one file per Mastodon entity, written from its
documentation)."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parent / "schemas"
ALL_SCOPES = "read write follow push"


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(schema)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def assert_entity(data, name: str) -> None:
    """`data` is a `name` entity (schemas/<name>.json): every documented field, right types."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    validator = Draft202012Validator(schema, registry=REGISTRY)
    errors = sorted(validator.iter_errors(data), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def assert_entities(data, name: str) -> None:
    assert isinstance(data, list), data
    for item in data:
        assert_entity(item, name)


def app_create(name: str = "Test app", redirect: str = "urn:ietf:wg:oauth:2.0:oob") -> Application:
    return Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect,
        client_secret=generate_client_secret(),
        algorithm="",
    )


def token_for(user, scope: str = ALL_SCOPES, *, application: Application | None = None) -> str:
    """A bearer token of `user` (None: an app's own token) with `scope`, as the code flow
    would have given it."""
    token = f"test-{AccessToken.objects.count()}-{timezone.now().timestamp()}-{id(user)}"
    AccessToken.objects.create(
        user=user,
        application=application or app_create(),
        token=token,
        expires=timezone.now() + timedelta(days=30),
        scope=scope,
    )
    return token


class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self, token, headers):
        token = self.token if token is None else token
        found = dict(headers or {})
        if token:
            found["Authorization"] = f"Bearer {token}"
        return found

    def get(self, path, params=None, *, token=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(token, headers))

    def post(self, path, data=None, *, token=None, headers=None, form=False):
        if form:
            return self.client.post(path, data or {}, headers=self._headers(token, headers))
        return self.client.post(
            path,
            json.dumps(data or {}),
            content_type="application/json",
            headers=self._headers(token, headers),
        )

    def patch(self, path, data=None, *, token=None, headers=None):
        return self.client.patch(
            path,
            json.dumps(data or {}),
            content_type="application/json",
            headers=self._headers(token, headers),
        )

    def put(self, path, data=None, *, token=None, headers=None):
        return self.client.put(
            path,
            json.dumps(data or {}),
            content_type="application/json",
            headers=self._headers(token, headers),
        )

    def delete(self, path, data=None, *, token=None, headers=None):
        if data is None:
            return self.client.delete(path, headers=self._headers(token, headers))
        return self.client.delete(
            path,
            json.dumps(data),
            content_type="application/json",
            headers=self._headers(token, headers),
        )


@pytest.fixture
def api(db, user):
    """An ApiClient with a token of `user` holding every scope."""
    client = ApiClient(token_for(user))
    client.user = user
    return client


@pytest.fixture
def anonymous_api(db):
    return ApiClient()
