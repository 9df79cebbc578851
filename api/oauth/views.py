"""The OAuth endpoints: the consent page (/oauth/authorize), /oauth/token and /oauth/revoke,
django-oauth-toolkit's views with what Mastodon's apps need beside (api.oauth explains why)."""

import json
import re
import time
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.models import Application
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.views import base

from api.http import error_response, json_response
from api.oauth.services import OOB, website
from api.scopes import SCOPES

# RFC 7636: a challenge is 43 to 128 unreserved characters (a SHA-256 in base64url is 43).
CODE_CHALLENGE = re.compile(r"[A-Za-z0-9._~-]{43,128}")


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
            return _error_page(
                request, "The app asked for a code challenge method other than S256."
            )
        if challenge and not CODE_CHALLENGE.fullmatch(challenge):
            return _error_page(request, "The app's code challenge is not valid.")
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
