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

from django.urls import path, re_path

from api.oauth.apps import apps_create, apps_verify_credentials, authorization_server
from api.oauth.services import OOB, authorized_app_revoke, authorized_apps, client_app_create
from api.oauth.validator import Validator
from api.oauth.views import AuthorizeView, RevokeView, TokenView

__all__ = [
    "OOB",
    "Validator",
    "authorized_app_revoke",
    "authorized_apps",
    "client_app_create",
]

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
