"""OAuth 2 as Mastodon's apps expect it, on django-oauth-toolkit (DOT).

DOT does the protocol (codes, tokens, PKCE, refresh, revocation); what Mastodon's apps need
beyond what its settings give is written here, small:
- `POST /api/v1/apps`: DOT has no registration endpoint of Mastodon's shape. An app is a DOT
  Application (confidential, authorization code) beside an `api.models.ClientApp` holding the
  scopes it may ask for; the secret is answered in plain text once (DOT hashes it on save).
- The validator lets an app registered for the code grant also use client credentials and
  refresh tokens (DOT allows one grant type an application), keeps an authorization within the
  scopes the app registered, and refuses codes and refresh tokens of people who may not act.
- The consent page redirects to any scheme the app registered (DOT's redirect checks one list of
  schemes for every app: native apps come back through ivory:// or tusky://), and shows the code
  for `urn:ietf:wg:oauth:2.0:oob` (removed from DOT).
- The token endpoint answers with `created_at` (Toot! needs it) and reads parameters from a JSON
  body or the query string as well as the form, as Mastodon does.
"""

import json
import re
import time
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.shortcuts import render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import base

from api.http import ApiError, endpoint, error_response, json_response
from api.models import ClientApp
from api.scopes import DEFAULT, SCOPES, scope_covers, scopes_parse
from core.ratelimit import client_ip, rate_limit_hit

OOB = "urn:ietf:wg:oauth:2.0:oob"
# Schemes a browser would run or read from the person's own disk, never a place to send a code.
DANGEROUS_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "blob", "about"})
MAX_REDIRECT_URIS = 20
MAX_URI_LENGTH = 2000
MAX_NAME_LENGTH = 60
# RFC 7636: a challenge is 43 to 128 unreserved characters (a SHA-256 in base64url is 43).
CODE_CHALLENGE = re.compile(r"[A-Za-z0-9._~-]{43,128}")


# --- registering an app -------------------------------------------------------------------------


def redirect_uri_problem(uri: str) -> str | None:
    """Why `uri` cannot be an app's redirect URI, or None when it can: https and http (any host,
    as Mastodon), a native app's own scheme (ivory://, tusky://oauth), or the out-of-band
    `urn:ietf:wg:oauth:2.0:oob`."""
    if uri == OOB:
        return None
    if len(uri) > MAX_URI_LENGTH:
        return f"A redirect URI may be {MAX_URI_LENGTH} characters long at most"
    if any(ord(character) < 33 or ord(character) == 127 for character in uri):
        return "A redirect URI may not contain spaces or control characters"
    try:
        parts = urlsplit(uri)
    except ValueError:
        return f"{uri} is not a valid URI"
    scheme = parts.scheme.lower()
    if not scheme or uri[: len(scheme) + 1].lower() != f"{scheme}:":
        return f"{uri} has no scheme (such as https: or myapp:)"
    if scheme in DANGEROUS_SCHEMES:
        return f"The scheme {scheme}: is not allowed for a redirect URI"
    if parts.fragment or "#" in uri:
        return "A redirect URI may not contain a fragment (#)"
    if "@" in parts.netloc:
        return "A redirect URI may not contain a user name or password"
    if scheme in ("http", "https"):
        try:
            URLValidator(schemes=["http", "https"])(uri)
        except ValidationError:
            return f"{uri} is not a valid URL"
    return None


def redirect_uris_parse(values: list[str]) -> list[str]:
    """The redirect URIs given as one parameter (separated by new lines or spaces) or several;
    ValidationError naming the first that cannot be one."""
    uris = list(dict.fromkeys(uri for value in values for uri in value.split()))
    if not uris:
        raise ValidationError({"redirect_uris": ["Redirect URI can't be blank"]}, code="blank")
    if len(uris) > MAX_REDIRECT_URIS:
        raise ValidationError(
            {"redirect_uris": [f"An app may register {MAX_REDIRECT_URIS} redirect URIs at most"]}
        )
    for uri in uris:
        problem = redirect_uri_problem(uri)
        if problem:
            raise ValidationError({"redirect_uris": [problem]}, code="invalid")
    return uris


def client_app_create(
    *, name: str, redirect_uris: list[str], scopes: list[str], website: str
) -> tuple[Application, str]:
    """Register an app (Mastodon's POST /api/v1/apps): a confidential OAuth application for the
    code grant with `redirect_uris`, and the `scopes` it may ask people for. Returns it with its
    secret in plain text, the only time the secret is known (it is stored hashed)."""
    name = name.strip()
    errors = {}
    if not name:
        errors["client_name"] = ["Application name can't be blank"]
    elif any(ord(character) < 32 or ord(character) == 127 for character in name):
        errors["client_name"] = ["Application name may not contain control characters"]
    elif len(name) > MAX_NAME_LENGTH:
        errors["client_name"] = [
            f"Application name is too long (maximum is {MAX_NAME_LENGTH} characters)"
        ]
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors["website"] = ["Website is invalid"]
        if len(website) > 500:
            errors["website"] = ["Website is too long (maximum is 500 characters)"]
    if errors:
        raise ValidationError(errors)
    secret = generate_client_secret()
    with transaction.atomic():
        application = Application.objects.create(
            name=name,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(redirect_uris),
            client_secret=secret,
            algorithm=Application.NO_ALGORITHM,
        )
        ClientApp.objects.create(application=application, scopes=" ".join(scopes), website=website)
    return application, secret


def registered_scopes(application: Application) -> list[str]:
    """The scopes `application` may ask for; Mastodon's default for an app registered without a
    ClientApp (made in the admin)."""
    try:
        return application.client_app.scopes.split()
    except ClientApp.DoesNotExist:
        return list(DEFAULT)


def website(application: Application) -> str:
    try:
        return application.client_app.website
    except ClientApp.DoesNotExist:
        return ""


def application_entity(application: Application, *, secret: str | None = None) -> dict:
    """Mastodon's Application entity; with `secret`, its CredentialApplication (the answer to
    registering, the only one that holds the credentials)."""
    uris = application.redirect_uris.split()
    data = {
        "id": str(application.pk),
        "name": application.name,
        "website": website(application) or None,
        "scopes": registered_scopes(application),
        "redirect_uri": "\n".join(uris),
        "redirect_uris": uris,
        # Web push is not offered: no server key to give.
        "vapid_key": "",
    }
    if secret is not None:
        data["client_id"] = application.client_id
        data["client_secret"] = secret
        data["client_secret_expires_at"] = 0
    return data


@endpoint("POST")
def apps_create(request):
    """POST /api/v1/apps: anyone may register an app, a number of times an hour per address."""
    rate_limit_hit(scope="api_app", key=f"ip:{client_ip(request)}")
    params = request.params
    scopes = scopes_parse(" ".join(params.values("scopes")))
    if scopes is None:
        raise ApiError(422, "Validation failed: Scopes doesn't match configured scopes")
    application, secret = client_app_create(
        name=params.text("client_name", ""),
        redirect_uris=redirect_uris_parse(params.values("redirect_uris")),
        scopes=scopes,
        website=(params.text("website", "") or "").strip(),
    )
    return json_response(application_entity(application, secret=secret))


@endpoint("GET")
def apps_verify_credentials(request):
    """GET /api/v1/apps/verify_credentials: the app a token (the app's own, or a person's) was
    given to."""
    if request.token is None:
        raise ApiError(401, "The access token is invalid")
    application = Application.objects.select_related("client_app").get(
        pk=request.token.application_id
    )
    return json_response(application_entity(application))


# --- the validator ------------------------------------------------------------------------------

# The grants an app registered through POST /api/v1/apps may use, as on Mastodon.
APP_GRANTS = frozenset({"authorization_code", "client_credentials", "refresh_token"})


class Validator(OAuth2Validator):
    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if (
            client.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
            and grant_type in APP_GRANTS
        ):
            return True
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        """Each scope asked is known and within those the app registered (a broad one covers
        its granular ones)."""
        registered = set(registered_scopes(client))
        return all(scope in SCOPES and scope_covers(registered, scope) for scope in scopes)

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        # A person suspended (or not yet approved) since they authorized gets no token.
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        return valid and request.user is not None and request.user.is_visible

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return valid and request.user is not None and request.user.is_visible


# --- the token and revocation endpoints -----------------------------------------------------


def token_params(request) -> dict[str, str]:
    """A token or revocation request's parameters: the query string (Mammoth sends a POST's
    parameters there), then the body, form or JSON (some apps post JSON), the body winning.
    Values that are not text are left out."""
    params = {name: values[-1] for name, values in request.GET.lists()}
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = {}
        if isinstance(data, dict):
            for name, value in data.items():
                if isinstance(value, str):
                    params[name] = value
                elif isinstance(value, int) and not isinstance(value, bool):
                    params[name] = str(value)
    else:
        params.update({name: values[-1] for name, values in request.POST.lists()})
    return params


class TokenCore(OAuthLibCore):
    """DOT's bridge to oauthlib for the token and revocation endpoints: parameters from anywhere
    (`token_params`; oauthlib refuses a POST with a query string, so the path goes alone), and
    `created_at` in the token answer, as Mastodon sends it."""

    def _get_escaped_full_path(self, request):
        return request.path

    def extract_body(self, request):
        return list(token_params(request).items())

    def _get_extra_credentials(self, request):
        return {"created_at": int(time.time())}


class _OwnCore:
    """DOT caches its oauthlib bridge on the view class (`hasattr`), which a subclass would find
    on its parent: each of these views keeps its own."""

    @classmethod
    def get_oauthlib_core(cls):
        if "_core" not in cls.__dict__:
            cls._core = cls.get_oauthlib_backend_class()(cls.get_server())
        return cls._core


def _refuse_other_methods_and_nul(request):
    if request.method != "POST":
        response = error_response(405, "Method not allowed")
        response["Allow"] = "POST"
        return response
    if any("\x00" in name or "\x00" in value for name, value in token_params(request).items()):
        return json_response(
            {"error": "invalid_request", "error_description": "A parameter is not valid text."},
            status=400,
        )
    return None


@method_decorator(csrf_exempt, name="dispatch")
class TokenView(_OwnCore, base.TokenView):
    """POST /oauth/token: authorization code (PKCE when the app used it), client credentials
    (a token of the app's own, with no person) and refresh token (rotated)."""

    oauthlib_backend_class = TokenCore

    def dispatch(self, request, *args, **kwargs):
        return _refuse_other_methods_and_nul(request) or super().dispatch(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class RevokeView(_OwnCore, base.RevokeTokenView):
    """POST /oauth/revoke: the app's credentials and a token of its own; {} as Mastodon, whether
    or not the token existed."""

    oauthlib_backend_class = TokenCore

    def dispatch(self, request, *args, **kwargs):
        return _refuse_other_methods_and_nul(request) or super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            return json_response({})
        return response


# --- the consent page ---------------------------------------------------------------------------


def _error_page(request, message: str, *, status: int = 400):
    return render(request, "api/authorize_error.html", {"message": message}, status=status)


def _form_action(redirect_uri: str) -> str:
    """The CSP source that lets the consent form's answer redirect to `redirect_uri`: Chromium
    applies the page's form-action to where the form's POST redirects."""
    parts = urlsplit(redirect_uri)
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.netloc}"
    return f"{parts.scheme}:"


class AuthorizeCore(OAuthLibCore):
    """oauthlib reads the authorization request from the URL: the one `AuthorizeView` tidied."""

    def _get_escaped_full_path(self, request):
        query = request.GET.urlencode()
        return f"{request.path}?{query}" if query else request.path


class AuthorizeView(_OwnCore, base.AuthorizationView):
    """/oauth/authorize: after the site's own login (and second factor), a page naming the app and
    the scopes it asks for, with Authorize and Deny. The middleware ends a suspended person's
    session and keeps a person waiting for approval on their page, so neither gets here."""

    template_name = "api/authorize.html"
    oauthlib_backend_class = AuthorizeCore

    def dispatch(self, request, *args, **kwargs):
        values = [*request.GET.values(), *request.POST.values()]
        if any("\x00" in value for value in values):
            return _error_page(request, "The app's request is not valid.")
        # Apps ask for a fresh login (prompt=login, force_login) to switch accounts; the person
        # can log out here for that, and a login page that cannot tell them why would only
        # confuse.
        query = request.GET.copy()
        query.pop("prompt", None)
        # oauthlib splits scopes on each single space: an empty scope would be one unknown
        # scope, not the default ("read") Mastodon gives.
        scope = " ".join(query.pop("scope", [""])[-1].split())
        if scope:
            query["scope"] = scope
        request.GET = query
        challenge = request.GET.get("code_challenge") or request.POST.get("code_challenge")
        method = request.GET.get("code_challenge_method") or request.POST.get(
            "code_challenge_method"
        )
        if challenge and method != "S256":
            return _error_page(request, "The app asked for a code challenge method other than S256")
        if challenge and not CODE_CHALLENGE.fullmatch(challenge):
            return _error_page(request, "The app's code challenge is not valid")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = context.get("application")
        if application is not None:
            context["website"] = website(application)
            context["scope_list"] = [(scope, SCOPES[scope]) for scope in context["scopes"]]
            context["oob"] = context.get("redirect_uri") == OOB
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        redirect_uri = context.get("redirect_uri")
        if redirect_uri and redirect_uri != OOB:
            policy = dict(settings.SECURE_CSP)
            policy["form-action"] = [*policy.get("form-action", []), _form_action(redirect_uri)]
            response._csp_config = policy
        return response

    def form_valid(self, form):
        if not Application.objects.filter(client_id=form.cleaned_data["client_id"]).exists():
            return _error_page(self.request, "This app is not registered here.")
        return super().form_valid(form)

    def form_invalid(self, form):
        return _error_page(self.request, "The app's request is not valid.")

    def error_response(self, error, application, **kwargs):
        """The person's Deny goes back to the app (access_denied); anything else wrong with the
        app's request is said on a page, never sent to an address the request named."""
        oauthlib_error = error.oauthlib_error
        if oauthlib_error.error == "access_denied" and application is not None:
            return super().error_response(error, application, **kwargs)
        description = oauthlib_error.description or oauthlib_error.error
        if oauthlib_error.error == "invalid_scope":
            description = "The app asked for permissions it did not register for."
        return _error_page(self.request, description)

    def redirect(self, redirect_to, application):
        if redirect_to.startswith(OOB):
            answer = parse_qs(urlsplit(redirect_to).query)
            context = {
                "application": application,
                "code": answer.get("code", [""])[0],
                "error": answer.get("error", [""])[0],
            }
            return render(self.request, "api/authorize_oob.html", context)
        # Any scheme the app registered (all checked at registration): native apps come back
        # through their own (ivory://).
        schemes = {urlsplit(uri).scheme.lower() for uri in application.redirect_uris.split()}
        return OAuth2ResponseRedirect(redirect_to, sorted(schemes))


# --- discovery ------------------------------------------------------------------------------


@endpoint("GET")
def authorization_server(request):
    """/.well-known/oauth-authorization-server (RFC 8414), in Mastodon 4.3's shape."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    return json_response(
        {
            "issuer": request.build_absolute_uri("/"),
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": url("api:authorize"),
            "token_endpoint": url("api:token"),
            "app_registration_endpoint": url("api:apps"),
            "revocation_endpoint": url("api:revoke"),
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment"],
            "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }
    )


# --- the apps a person authorized ---------------------------------------------------------------


def authorized_apps(*, user) -> list[dict]:
    """The apps `user` gave access to and that still hold a token, newest first: each app with
    its website, the scopes of all its tokens, and when it was first authorized. One query."""
    tokens = (
        AccessToken.objects.filter(user=user, expires__gt=timezone.now())
        .select_related("application__client_app")
        .order_by("created")
    )
    apps: dict[int, dict] = {}
    for token in tokens:
        app = token.application
        if app is None:
            continue
        entry = apps.setdefault(
            app.pk,
            {
                "application": app,
                "scopes": [],
                "authorized_at": token.created,
                "website": website(app),
            },
        )
        for scope in token.scope.split():
            if scope not in entry["scopes"]:
                entry["scopes"].append(scope)
    return sorted(apps.values(), key=lambda entry: entry["authorized_at"], reverse=True)


@transaction.atomic
def authorized_app_revoke(*, user, application_id: int) -> int:
    """Take back what `user` gave the app: every access and refresh token and every unused code
    of theirs for it. The app's next call with them is refused (401). Returns how many tokens
    went; Application.DoesNotExist when the person had given the app nothing."""
    tokens = AccessToken.objects.filter(user=user, application_id=application_id)
    count = tokens.count()
    refresh = RefreshToken.objects.filter(user=user, application_id=application_id)
    if not count and not refresh.exists():
        raise Application.DoesNotExist
    refresh.delete()
    tokens.delete()
    Grant.objects.filter(user=user, application_id=application_id).delete()
    return count


urlpatterns = [
    path("api/v1/apps", apps_create, name="apps"),
    path("api/v1/apps/verify_credentials", apps_verify_credentials, name="apps_verify"),
    # toot asks for /oauth/authorize/, as Mastodon (Rails) answers both.
    re_path(r"^oauth/authorize/?$", AuthorizeView.as_view(), name="authorize"),
    path("oauth/token", TokenView.as_view(), name="token"),
    path("oauth/revoke", RevokeView.as_view(), name="revoke"),
    path(
        ".well-known/oauth-authorization-server",
        authorization_server,
        name="authorization_server",
    ),
]
