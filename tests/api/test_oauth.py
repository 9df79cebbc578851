"""OAuth as Mastodon's apps go through it: registering, the consent page, tokens, revoking,
discovery, and the settings page listing the apps a person authorized."""

import base64
import hashlib
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from api.models import ClientApp
from moderation import services as moderation
from tests.api.conftest import ApiClient, assert_entity
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OOB = "urn:ietf:wg:oauth:2.0:oob"
CALLBACK = "https://app.example/callback"


def register(client=None, **fields) -> dict:
    data = {"client_name": "Sound Desk", "redirect_uris": OOB, "scopes": "read write follow"}
    data.update(fields)
    response = (client or Client()).post("/api/v1/apps", data)
    assert response.status_code == 200, response.content
    return response.json()


def authorize_url(app: dict, **params) -> str:
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": app["redirect_uris"][0],
        "scope": "read write",
        **params,
    }
    return "/oauth/authorize?" + urlencode(query)


def consent_form(response) -> dict:
    """The consent form's hidden fields, as a browser would send them."""
    page = response.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    fields.pop("csrfmiddlewaretoken", None)
    return {name: unescape(value) for name, value in fields.items()}


def authorize(browser: Client, app: dict, *, allow: bool = True, **params):
    page = browser.get(authorize_url(app, **params))
    assert page.status_code == 200, page.content
    data = consent_form(page)
    if allow:
        data["allow"] = "Authorize"
    return browser.post("/oauth/authorize", data)


def code_from(response) -> str:
    if response.status_code == 302:
        return parse_qs(urlsplit(response["Location"]).query)["code"][0]
    match = re.search(r'id="authorization-code"[^>]*value="([^"]+)"', response.content.decode())
    return match.group(1)


def exchange(app: dict, code: str, **extra):
    data = {
        "grant_type": "authorization_code",
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": app["redirect_uris"][0],
        "code": code,
        **extra,
    }
    return Client().post("/oauth/token", data)


@pytest.fixture
def browser(user):
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def signed_in_token(browser, app, **params) -> dict:
    response = exchange(app, code_from(authorize(browser, app, **params)))
    assert response.status_code == 200, response.content
    return response.json()


# --- registering --------------------------------------------------------------------------------


def test_registering_answers_the_credentials_once():
    data = register(website="https://sounddesk.example")
    assert_entity(data, "CredentialApplication")
    assert data["name"] == "Sound Desk"
    assert data["website"] == "https://sounddesk.example"
    assert data["scopes"] == ["read", "write", "follow"]
    assert data["redirect_uris"] == [OOB]
    assert data["redirect_uri"] == OOB
    assert data["client_secret_expires_at"] == 0
    application = Application.objects.get(client_id=data["client_id"])
    # Stored hashed: the answer is the only place the secret is ever seen.
    assert application.client_secret != data["client_secret"]
    assert ClientApp.objects.get(application=application).scopes == "read write follow"


def test_registering_takes_json_several_uris_and_defaults_to_read():
    response = ApiClient().post(
        "/api/v1/apps",
        {"client_name": "Elk", "redirect_uris": ["https://elk.example/cb", "ivory://callback"]},
    )
    data = response.json()
    assert data["scopes"] == ["read"]
    assert data["redirect_uris"] == ["https://elk.example/cb", "ivory://callback"]
    assert data["redirect_uri"] == "https://elk.example/cb\nivory://callback"
    assert data["website"] is None
    newline = register(redirect_uris="tusky://oauth\nhttp://127.0.0.1:8000/cb", scopes="")
    assert newline["redirect_uris"] == ["tusky://oauth", "http://127.0.0.1:8000/cb"]
    assert newline["scopes"] == ["read"]


@pytest.mark.parametrize(
    ("uris", "message"),
    [
        ("javascript:alert(1)", "The scheme javascript: is not allowed for a redirect URI"),
        ("JavaScript://%0aalert(1)", "The scheme javascript: is not allowed for a redirect URI"),
        ("data:text/html,hi", "The scheme data: is not allowed for a redirect URI"),
        ("vbscript:msgbox", "The scheme vbscript: is not allowed for a redirect URI"),
        ("file:///etc/passwd", "The scheme file: is not allowed for a redirect URI"),
        ("app.example/callback", "app.example/callback has no scheme (such as https: or myapp:)"),
        ("/callback", "/callback has no scheme (such as https: or myapp:)"),
        ("https://app.example/cb#x", "A redirect URI may not contain a fragment (#)"),
        ("https://me@app.example/cb", "A redirect URI may not contain a user name or password"),
        ("https://", "https:// is not a valid URL"),
        ("", "Redirect URI can't be blank"),
        ("https://a.example/\x00", "A redirect URI may not contain spaces or control characters"),
    ],
)
def test_dangerous_or_schemeless_redirect_uris_are_refused(uris, message):
    response = Client().post("/api/v1/apps", {"client_name": "Bad", "redirect_uris": uris})
    assert response.status_code == 422
    assert response.json()["error"] == message
    assert not Application.objects.exists()


def test_registering_refuses_unknown_scopes_blank_names_and_bad_websites():
    def refused(**fields):
        data = {"client_name": "App", "redirect_uris": OOB, **fields}
        response = Client().post("/api/v1/apps", data)
        assert response.status_code == 422
        return response.json()["error"]

    assert refused(scopes="read admin:write") == (
        "Validation failed: Scopes doesn't match configured scopes"
    )
    assert refused(client_name="  ") == "Application name can't be blank"
    assert refused(client_name="x" * 61) == (
        "Application name is too long (maximum is 60 characters)"
    )
    assert refused(client_name="Sound\x00Desk") == (
        "Application name may not contain control characters"
    )
    assert refused(website="javascript:alert(1)") == "Website is invalid"
    assert not Application.objects.exists()


@pytest.mark.parametrize("value", [[], {}, True, None, 1.5, [["x"]], {"a": 1}, "\x00", "²"])
def test_registering_with_values_of_the_wrong_type_is_never_a_server_error(value):
    for name in ("client_name", "redirect_uris", "scopes", "website"):
        data = {"client_name": "App", "redirect_uris": OOB, name: value}
        response = ApiClient().post("/api/v1/apps", data)
        assert response.status_code in (200, 422), (name, value, response.content)


def test_registering_is_rate_limited_per_address(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_app": "2/1h"}
    register()
    register()
    response = Client().post("/api/v1/apps", {"client_name": "Third", "redirect_uris": OOB})
    assert response.status_code == 429
    assert response.json() == {"error": "Too many requests"}
    assert response["X-RateLimit-Limit"] == "2"
    other = Client(REMOTE_ADDR="10.0.0.9").post(
        "/api/v1/apps", {"client_name": "Elsewhere", "redirect_uris": OOB}
    )
    assert other.status_code == 200


def test_verify_credentials_with_the_apps_own_token_and_a_persons(browser):
    app = register()
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    own = ApiClient(response.json()["access_token"]).get("/api/v1/apps/verify_credentials")
    assert own.status_code == 200
    assert_entity(own.json(), "Application")
    assert "client_secret" not in own.json()
    assert own.json()["name"] == "Sound Desk"
    persons = signed_in_token(browser, app)["access_token"]
    assert ApiClient(persons).get("/api/v1/apps/verify_credentials").json()["id"] == app["id"]
    anonymous = ApiClient().get("/api/v1/apps/verify_credentials")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"error": "The access token is invalid"}


# --- the consent page ---------------------------------------------------------------------------


def test_authorizing_needs_the_sites_own_login():
    app = register()
    url = authorize_url(app)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [url]


def test_the_consent_page_names_the_app_and_its_scopes_in_plain_words(browser):
    app = register(website="https://sounddesk.example")
    page = browser.get(authorize_url(app, scope="read write:statuses"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Authorize Sound Desk?" in html
    assert "https://sounddesk.example" in html
    assert "Read everything your account can see" in html
    assert "Change your statuses" in html
    assert ">Authorize</button>" in html and ">Deny</button>" in html
    assert '<html lang="en">' in html  # the site's own page, not the toolkit's


def test_authorize_then_a_token_as_mastodon_answers_it(browser):
    app = register()
    response = authorize(browser, app)
    assert response.status_code == 200
    assert b'<label for="authorization-code">Authorization code</label>' in response.content
    token = exchange(app, code_from(response))
    assert token.status_code == 200
    data = token.json()
    assert data["token_type"] == "Bearer"
    assert data["scope"] == "read write"
    assert isinstance(data["created_at"], int) and data["created_at"] > 1_700_000_000
    assert data["refresh_token"]
    me = ApiClient(data["access_token"]).get("/api/v1/apps/verify_credentials")
    assert me.status_code == 200
    stored = AccessToken.objects.get(user=browser.user)
    assert stored.scope == "read write"


def test_no_scope_asked_is_read(browser):
    app = register()
    page = browser.get(authorize_url(app, scope=""))
    assert consent_form(page)["scope"] == "read"


def test_a_redirect_uri_gets_the_code_and_the_state(browser):
    app = register(redirect_uris=CALLBACK)
    response = authorize(browser, app, state="xyz")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    assert exchange(app, query["code"][0]).status_code == 200


def test_a_native_app_comes_back_through_its_own_scheme(browser):
    app = register(redirect_uris="ivory://callback tusky://oauth")
    response = authorize(browser, app, redirect_uri="tusky://oauth")
    assert response.status_code == 302
    assert response["Location"].startswith("tusky://oauth?code=")


def test_the_consent_page_lets_its_form_redirect_to_the_app(browser):
    app = register(redirect_uris="https://app.example:8443/cb ivory://callback")
    page = browser.get(authorize_url(app))
    assert "form-action 'self' https://app.example:8443" in page["Content-Security-Policy"]
    native = browser.get(authorize_url(app, redirect_uri="ivory://callback"))
    assert "form-action 'self' ivory:" in native["Content-Security-Policy"]


def test_deny_goes_back_with_access_denied(browser):
    app = register(redirect_uris=CALLBACK)
    response = authorize(browser, app, allow=False, state="s")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["s"]
    assert not Grant.objects.exists()


def test_deny_out_of_band_is_a_page(browser):
    response = authorize(browser, register(), allow=False)
    assert response.status_code == 200
    assert b"You denied Sound Desk access to your account" in response.content
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"scope": "read write push"}, "The app asked for permissions it did not register for."),
        ({"scope": "admin:read"}, "The app asked for permissions it did not register for."),
        ({"redirect_uri": "https://evil.example/cb"}, "Mismatching redirect URI."),
        ({"client_id": "nope"}, "Invalid client_id parameter value."),
        ({"response_type": "token"}, None),
        ({"client_id": "\x00"}, "The app's request is not valid."),
        ({"code_challenge": "abc", "code_challenge_method": "plain"}, "other than S256"),
        ({"code_challenge": "x" * 500, "code_challenge_method": "S256"}, "is not valid"),
        ({"code_challenge": "a b" * 20, "code_challenge_method": "S256"}, "is not valid"),
    ],
)
def test_a_bad_request_from_the_app_is_an_error_page(browser, params, message):
    app = register(redirect_uris=CALLBACK)
    response = browser.get(authorize_url(app, **params))
    assert response.status_code == 400
    assert b"Can't authorize this app" in response.content
    if message:
        assert message.encode() in response.content.replace(b"&#x27;", b"'")
    assert "Location" not in response


def test_granular_scopes_are_covered_by_the_broad_one_registered(browser):
    app = register(scopes="read write")
    token = signed_in_token(browser, app, scope="read:statuses write:favourites")
    assert token["scope"] == "read:statuses write:favourites"
    narrow = register(scopes="read:statuses")
    assert browser.get(authorize_url(narrow, scope="read")).status_code == 400


def test_a_tampered_consent_form_cannot_widen_the_scopes(browser):
    app = register(scopes="read")
    data = consent_form(browser.get(authorize_url(app, scope="read")))
    data.update(allow="Authorize", scope="read write")
    response = browser.post("/oauth/authorize", data)
    assert b"Not authorized" in response.content
    assert b"asked for more than it registered for" in response.content
    assert not Grant.objects.exists()
    data.update(client_id="unknown")
    assert browser.post("/oauth/authorize", data).status_code == 400


def test_a_pending_person_cannot_authorize(browser):
    browser.user.awaiting_approval = True
    browser.user.save()
    response = browser.get(authorize_url(register()))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/pending/"


def test_a_suspended_person_cannot_authorize(browser):
    app = register()
    page = browser.get(authorize_url(app))
    moderation.user_suspend(
        user=browser.user, moderator=UserFactory(is_staff=True, is_superuser=True), reason="spam"
    )
    data = {**consent_form(page), "allow": "Authorize"}
    response = browser.post("/oauth/authorize", data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Grant.objects.exists()


def test_prompt_login_and_force_login_are_ignored(browser):
    app = register()
    assert browser.get(authorize_url(app, prompt="login")).status_code == 200
    assert browser.get(authorize_url(app, force_login="true")).status_code == 200


# --- tokens -------------------------------------------------------------------------------------


def test_the_wrong_secret_is_refused(browser):
    app = register()
    code = code_from(authorize(browser, app))
    response = exchange(app, code, client_secret="wrong")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert exchange(app, code).status_code == 200  # the code was not spent


def test_the_wrong_redirect_uri_is_refused(browser):
    app = register(redirect_uris=f"{OOB} {CALLBACK}")
    code = code_from(authorize(browser, app))
    response = exchange(app, code, redirect_uri=CALLBACK)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_code_works_once(browser):
    app = register()
    code = code_from(authorize(browser, app))
    assert exchange(app, code).status_code == 200
    again = exchange(app, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_another_apps_code_is_refused(browser):
    app, other = register(), register(client_name="Other")
    code = code_from(authorize(browser, app))
    response = exchange(other, code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_pkce_with_the_right_verifier_and_a_wrong_one(browser):
    app = register()
    verifier = "a-verifier-long-enough-for-pkce-0123456789-abcdefghijklmno"
    challenge = {"code_challenge": challenge_of(verifier), "code_challenge_method": "S256"}
    wrong = exchange(app, code_from(authorize(browser, app, **challenge)), code_verifier="x" * 50)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    code = code_from(authorize(browser, app, **challenge))
    assert exchange(app, code).status_code == 400  # a code with a challenge needs its verifier
    code = code_from(authorize(browser, app, **challenge))
    assert exchange(app, code, code_verifier=verifier).status_code == 200


def test_credentials_by_http_basic_and_parameters_as_json(browser):
    app = register()
    code = code_from(authorize(browser, app))
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": OOB}
    response = Client().post(
        "/oauth/token",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "Bearer"


def test_parameters_in_the_query_string(browser):
    app = register()
    query = urlencode(
        {
            "grant_type": "authorization_code",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": OOB,
            "code": code_from(authorize(browser, app)),
        }
    )
    response = Client().post(f"/oauth/token?{query}")
    assert response.status_code == 200, response.content


def test_client_credentials_give_the_app_a_token_of_its_own(api):
    app = register()
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read",
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["scope"] == "read"
    assert isinstance(data["created_at"], int)
    assert "refresh_token" not in data
    assert AccessToken.objects.get(token_checksum=_checksum(data["access_token"])).user is None
    wider = Client().post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read push",
        },
    )
    assert wider.status_code == 400
    assert wider.json()["error"] == "invalid_scope"


def test_an_apps_own_token_cannot_call_what_needs_a_person():
    app = register()
    token = (
        Client()
        .post(
            "/oauth/token",
            {
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
        .json()["access_token"]
    )
    response = ApiClient(token).get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 422
    assert response.json() == {"error": "This method requires an authenticated user"}


def works(token: str) -> int:
    """The status of an API call with `token`."""
    return ApiClient(token).get("/api/v1/apps/verify_credentials").status_code


def _checksum(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_a_refresh_rotates_the_tokens(browser):
    app = register()
    first = signed_in_token(browser, app)
    data = {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
    }
    response = Client().post("/oauth/token", data)
    assert response.status_code == 200, response.content
    second = response.json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert isinstance(second["created_at"], int)
    fresh = ApiClient(second["access_token"]).get("/api/v1/apps/verify_credentials")
    assert fresh.status_code == 200
    old = ApiClient(first["access_token"]).get("/api/v1/apps/verify_credentials")
    assert old.status_code == 401
    assert Client().post("/oauth/token", data).status_code == 400  # the old one is spent


def test_the_password_grant_is_not_offered(user):
    app = register()
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "password",
            "username": user.username,
            "password": PASSWORD,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_the_token_and_revoke_endpoints_take_posts_only(method):
    for path in ("/oauth/token", "/oauth/revoke"):
        response = getattr(Client(), method)(path)
        assert response.status_code == 405
        assert response.json() == {"error": "Method not allowed"}


@pytest.mark.parametrize(
    "data",
    [
        {"grant_type": "authorization_code", "code": "\x00", "client_id": "x"},
        {"grant_type": "client_credentials", "client_id": "\x00", "client_secret": "\x00"},
        {"grant_type": "²", "client_id": "x" * 5000},
        {"grant_type": ["a", "b"], "code": {"x": 1}},
        {},
    ],
)
def test_hostile_token_requests_are_refused_without_a_server_error(data):
    form = Client().post("/oauth/token", {k: v for k, v in data.items() if isinstance(v, str)})
    as_json = Client().post("/oauth/token", json.dumps(data), content_type="application/json")
    for response in (form, as_json):
        assert 400 <= response.status_code < 500
        assert "error" in response.json()


def test_a_code_of_a_person_suspended_since_gives_no_token(browser):
    app = register()
    code = code_from(authorize(browser, app))
    moderation.user_suspend(
        user=browser.user, moderator=UserFactory(is_staff=True, is_superuser=True), reason="spam"
    )
    assert exchange(app, code).json()["error"] == "invalid_grant"


def test_a_suspended_persons_tokens_stop_working(browser):
    token = signed_in_token(browser, register())
    moderation.user_suspend(
        user=browser.user, moderator=UserFactory(is_staff=True, is_superuser=True), reason="spam"
    )
    response = ApiClient(token["access_token"]).get("/api/v1/nothing")
    assert response.status_code == 403
    assert response.json() == {"error": "Your login is currently disabled"}


# --- revoking -----------------------------------------------------------------------------------


def test_revoke_as_mastodon(browser):
    app = register()
    token = signed_in_token(browser, app)
    data = {
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "token": token["access_token"],
    }
    response = Client().post("/oauth/revoke", data)
    assert response.status_code == 200
    assert response.json() == {}
    assert works(token["access_token"]) == 401
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    # An unknown token: the same answer, telling nothing.
    assert Client().post("/oauth/revoke", {**data, "token": "nope"}).json() == {}


def test_revoke_needs_the_apps_credentials_and_its_own_token(browser):
    app, other = register(), register(client_name="Other")
    token = signed_in_token(browser, app)["access_token"]
    wrong = Client().post(
        "/oauth/revoke",
        {"client_id": app["client_id"], "client_secret": "wrong", "token": token},
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    by_other = Client().post(
        "/oauth/revoke",
        {"client_id": other["client_id"], "client_secret": other["client_secret"], "token": token},
    )
    assert by_other.json() == {}
    assert ApiClient(token).get("/api/v1/apps/verify_credentials").status_code == 200


# --- discovery ----------------------------------------------------------------------------------


def test_the_authorization_server_metadata():
    response = Client().get(
        "/.well-known/oauth-authorization-server", headers={"Origin": "https://elk.example"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["issuer"] == "http://testserver/"
    assert data["authorization_endpoint"] == "http://testserver/oauth/authorize"
    assert data["token_endpoint"] == "http://testserver/oauth/token"
    assert data["revocation_endpoint"] == "http://testserver/oauth/revoke"
    assert data["app_registration_endpoint"] == "http://testserver/api/v1/apps"
    assert data["service_documentation"] == "https://docs.joinmastodon.org/"
    assert data["response_types_supported"] == ["code"]
    assert data["code_challenge_methods_supported"] == ["S256"]
    assert {"read", "write", "follow", "push", "read:statuses"} <= set(data["scopes_supported"])
    assert set(data["grant_types_supported"]) == {
        "authorization_code",
        "client_credentials",
        "refresh_token",
    }
    assert set(data["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }
    assert data["response_modes_supported"] == ["query"]
    assert response["Access-Control-Allow-Origin"] == "*"


# --- the settings page --------------------------------------------------------------------------


def test_the_settings_page_lists_authorized_apps(browser):
    app = register(website="https://sounddesk.example", scopes="read write follow")
    signed_in_token(browser, app, scope="read write")
    signed_in_token(browser, app, scope="follow")
    page = browser.get("/settings/apps/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<strong>Sound Desk</strong>") == 1
    assert "https://sounddesk.example" in html
    assert "May: read, write, follow" in html
    assert 'aria-label="Revoke Sound Desk"' in html
    assert 'href="/settings/apps/" aria-current="page">Apps</a>' in html


def test_the_settings_page_has_a_fixed_number_of_queries(browser, django_assert_num_queries):
    browser.get("/settings/apps/")  # the session and the person loaded once before counting
    signed_in_token(browser, register())
    # The session, the person, the tokens with their apps, the session's "last seen".
    with django_assert_num_queries(4):
        browser.get("/settings/apps/")
    for number in range(5):
        signed_in_token(browser, register(client_name=f"App {number}"))
    with django_assert_num_queries(4):
        page = browser.get("/settings/apps/")
    assert page.content.decode().count('aria-label="Revoke') == 6


def test_revoke_on_the_settings_page_signs_the_app_out(browser):
    app = register()
    token = signed_in_token(browser, app)
    other = signed_in_token(browser, register(client_name="Other"))
    Grant.objects.create(
        user=browser.user,
        application=Application.objects.get(client_id=app["client_id"]),
        code="unused",
        expires=AccessToken.objects.first().expires,
        redirect_uri=OOB,
        scope="read",
    )
    response = browser.post(f"/settings/apps/{app['id']}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == "/settings/apps/"
    assert works(token["access_token"]) == 401
    refresh = Client().post(
        "/oauth/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert refresh.status_code == 400
    assert not Grant.objects.filter(application__client_id=app["client_id"]).exists()
    assert works(other["access_token"]) == 200
    page = browser.get("/settings/apps/").content.decode()
    assert "The app can no longer use your account." in page
    assert "<strong>Sound Desk</strong>" not in page


def test_revoke_by_htmx_answers_the_list(browser):
    token = signed_in_token(browser, register())
    app_id = AccessToken.objects.get(token_checksum=_checksum(token["access_token"])).application_id
    response = browser.post(f"/settings/apps/{app_id}/revoke/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "You haven't authorized any apps." in html


def test_revoking_an_app_of_someone_else_is_404(browser):
    stranger = Client()
    stranger.force_login(UserFactory())
    token = signed_in_token(browser, register())
    app_id = AccessToken.objects.get(token_checksum=_checksum(token["access_token"])).application_id
    assert stranger.post(f"/settings/apps/{app_id}/revoke/").status_code == 404
    assert works(token["access_token"]) == 200
    assert Client().post(f"/settings/apps/{app_id}/revoke/").status_code == 302  # log in first


def test_a_known_api_path_with_a_slash_at_its_end_is_that_path():
    # Mastodon.py asks for /api/v1/instance/, toot for /oauth/authorize/.
    assert Client().get("/api/v1/instance/").status_code == 200
    assert Client().get("/api/v1/apps/verify_credentials/").status_code == 401
    assert Client().get("/api/v1/no/such/thing/").json() == {"error": "Record not found"}
    assert Client().get("/oauth/authorize/").status_code == 302  # to log in


def test_verify_credentials_takes_two_queries(browser, django_assert_num_queries):
    token = signed_in_token(browser, register())["access_token"]
    client = ApiClient(token)
    # The token with its person, then the app with its registration.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/apps/verify_credentials")
    assert response.status_code == 200
