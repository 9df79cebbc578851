"""Mastodon's methods for apps: registering one (POST /api/v1/apps), verifying its credentials,
and the authorization server's metadata (/.well-known/oauth-authorization-server)."""

from django.urls import reverse
from oauth2_provider.models import Application

from api.http import ApiError, endpoint, json_response
from api.oauth.services import client_app_create, redirect_uris_parse, registered_scopes, website
from api.scopes import SCOPES, scopes_parse
from core.ratelimit import client_ip, rate_limit_hit


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
            # The code comes back in the query string (the consent form keeps no response_mode).
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }
    )
