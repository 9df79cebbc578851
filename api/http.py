"""The client API's HTTP toolkit: who is asking (a bearer token), what they sent (query string,
form or JSON alike), and answers in Mastodon's shapes (JSON; errors as {"error": "..."}).

Every API view is wrapped by `endpoint`, which is where the API differs from the pages: a token
instead of a session cookie (so no CSRF check: a cookie is never read), JSON errors instead of
pages, and 429s with the X-RateLimit headers apps read. Everything else (the rules, the rate
limits, visibility) is the services' and selectors', as for the pages.
"""

import hashlib
import json
from datetime import datetime, timedelta
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.http import Http404, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import AccessToken

from api.scopes import scope_covers
from core.decorators import checks_person_itself
from core.query import parse_id
from core.ratelimit import RateLimited, rate_for

INVALID_TOKEN = "The access token is invalid"
NOT_FOUND = "Record not found"


class ApiError(Exception):
    """An answer other than success, as Mastodon words it: {"error": message} with `status`."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def iso(moment: datetime | None) -> str | None:
    """A time as Mastodon writes it: UTC, milliseconds, "Z" (some apps parse no other form)."""
    if moment is None:
        return None
    moment = moment.astimezone(timezone.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def json_response(data, *, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def error_response(status: int, message: str, **extra) -> HttpResponse:
    return json_response({"error": message, **extra}, status=status)


def _validation_error(error: ValidationError) -> HttpResponse:
    """422 with the same messages the pages show beside their fields, and Mastodon's `details`
    (each field's errors) for apps that show them per field."""
    if hasattr(error, "error_dict"):
        details = {
            field: [
                {"error": item.code or "invalid", "description": text}
                for item in items
                for text in item.messages
            ]
            for field, items in error.error_dict.items()
        }
        messages = [entry["description"] for entries in details.values() for entry in entries]
        return error_response(422, " ".join(messages), details=details)
    return error_response(422, " ".join(error.messages))


def rate_limited_response(exception: RateLimited) -> HttpResponse:
    """429 with the headers Mastodon sends on every answer and apps read when refused."""
    reset = timezone.now() + timedelta(seconds=exception.retry_after)
    response = error_response(429, "Too many requests")
    response["X-RateLimit-Limit"] = str(rate_for(exception.scope).limit)
    response["X-RateLimit-Remaining"] = "0"
    response["X-RateLimit-Reset"] = iso(reset)
    response["Retry-After"] = str(exception.retry_after)
    return response


def token_checksum(token: str) -> str:
    """How django-oauth-toolkit finds a token: by the SHA-256 of it, indexed."""
    return hashlib.sha256(token.encode()).hexdigest()


def _authenticate(request):
    """The request's token and person: (None, anonymous) without an Authorization header;
    ApiError 401 for a token that is unknown, revoked or expired, 403 for a person who may not
    act (suspended, deactivated, waiting for approval). One query."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None, AnonymousUser()
    kind, _, value = header.partition(" ")
    value = value.strip()
    if kind.lower() != "bearer" or not value or len(value) > 512:
        raise ApiError(401, INVALID_TOKEN)
    try:
        # The checksum is unique: get() spares first()'s ORDER BY, a tenth of a millisecond
        # of building on every API request.
        token = AccessToken.objects.select_related("user").get(token_checksum=token_checksum(value))
    except AccessToken.DoesNotExist:
        token = None
    if token is None or token.expires <= timezone.now():
        raise ApiError(401, INVALID_TOKEN)
    user = token.user
    if user is None:  # an app's own token (client credentials)
        return token, AnonymousUser()
    if not user.is_visible:
        if user.awaiting_approval and user.is_active:
            raise ApiError(403, "Your login is currently pending approval")
        raise ApiError(403, "Your login is currently disabled")
    return token, user


def endpoint(*methods: str, scope: str | None = None, user: bool = False):
    """An API view answering `methods`.

    `scope`: the granular scope a token must cover (`api.scopes.scope_covers`); without a token
    the view still runs, as a visitor, unless `user` says it needs a person (401 without one,
    422 for an app's own token, as Mastodon). The view gets `request.user` (from the token,
    never the session cookie), `request.token` and `request.params` (`Params`), and returns a
    response or raises: ApiError, ValidationError (422), Http404 or DoesNotExist (404),
    PermissionDenied (403), RateLimited (429).
    """
    allowed = {method.upper() for method in methods}

    def decorator(view):
        @csrf_exempt
        @checks_person_itself
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in allowed:
                response = error_response(405, "Method not allowed")
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                request.token, request.user = _authenticate(request)
                token = request.token
                if scope is not None and token is not None and not scope_covers(token.scope, scope):
                    raise ApiError(403, "This action is outside the authorized scopes")
                if user and not request.user.is_authenticated:
                    if request.token is not None:
                        raise ApiError(422, "This method requires an authenticated user")
                    raise ApiError(401, INVALID_TOKEN)
                request.params = Params(request)
                response = view(request, *args, **kwargs)
            except ApiError as error:
                return error_response(error.status, error.message, **error.extra)
            except ValidationError as error:
                return _validation_error(error)
            except (Http404, ObjectDoesNotExist):
                return error_response(404, NOT_FOUND)
            except PermissionDenied:
                return error_response(403, "This action is not allowed")
            except RateLimited as exception:
                return rate_limited_response(exception)
            if request.token is not None:
                response["Cache-Control"] = "private, no-store"
            return response

        # What the API walker (tests/api/test_every_endpoint.py) checks each view against.
        wrapped.api_methods, wrapped.api_scope, wrapped.api_user = allowed, scope, user
        return wrapped

    return decorator


_TRUE = frozenset({"1", "true", "t", "on", "yes"})


class Params:
    """A request's parameters from the query string, a form (urlencoded or multipart, for POST,
    PUT and PATCH) and a JSON body together: apps send each (Mammoth puts a POST's parameters
    in the query string). Arrays come as `name[]=a&name[]=b` or JSON lists; both are read by
    `values`. Values that are not what a parameter takes are treated as absent or refused with
    422, never a 500."""

    def __init__(self, request):
        self.files = {}
        self.data: dict[str, list] = {}
        self._merge(request.GET)
        content_type = request.content_type or ""
        # The body's length from its header: reading request.body would load a multipart
        # upload into memory (and refuse one over DATA_UPLOAD_MAX_MEMORY_SIZE).
        sent = request.META.get("CONTENT_LENGTH") not in (None, "", "0")
        if request.method in ("POST", "PUT", "PATCH") and sent:
            if content_type == "application/json":
                try:
                    body = request.body
                except RequestDataTooBig:
                    raise ApiError(413, "The request is too large") from None
                self._merge_json(body)
            elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                self._merge_form(request, content_type)

    def _merge(self, query: QueryDict) -> None:
        for name, values in query.lists():
            self.data.setdefault(name.removesuffix("[]"), []).extend(values)

    def _merge_json(self, body: bytes) -> None:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise ApiError(400, "Error while parsing request: the JSON body is not valid") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Error while parsing request: the JSON body is not an object")
        for name, value in data.items():
            self.data[name] = list(value) if isinstance(value, list) else [value]

    def _merge_form(self, request, content_type: str) -> None:
        # Django reads form bodies of POSTs only; PATCH (update_credentials) and PUT send
        # forms too.
        try:
            if request.method == "POST":
                form, self.files = request.POST, request.FILES
            elif content_type == "multipart/form-data":
                form, self.files = request.parse_file_upload(request.META, request)
            else:
                form = QueryDict(request.body, encoding=request.encoding)
        except (MultiPartParserError, RequestDataTooBig):
            raise ApiError(400, "Error while parsing request: the form is not valid") from None
        self._merge(form)

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str):
        values = self.data.get(name)
        return values[-1] if values else None

    def text(self, name: str, default: str | None = None) -> str | None:
        """A string parameter (numbers given in JSON as their text); anything else: `default`."""
        value = self.raw(name)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        return value if isinstance(value, str) else default

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in _TRUE

    def id(self, name: str) -> int | None:
        """An id (`core.query.parse_id`: ASCII digits in range), or None."""
        value = self.raw(name)
        return parse_id(value if isinstance(value, int) else self.text(name))

    def integer(self, name: str, *, default: int, low: int, high: int) -> int:
        """A whole number clamped to low..high (a limit); `default` when absent or not one."""
        number = self.id(name)
        if number is None:
            return default
        return max(low, min(high, number))

    def values(self, name: str) -> list[str]:
        """Every string value of `name` (`name[]` in forms), in order."""
        values = self.data.get(name, [])
        return [str(value) for value in values if isinstance(value, (str, int))]

    def ids(self, name: str) -> list[int]:
        """The ids among the values of `name`; ApiError 422 when one is not an id."""
        found = []
        for value in self.data.get(name, []):
            number = parse_id(value if isinstance(value, int) else str(value))
            if number is None:
                raise ApiError(422, f"{name} must be a list of ids")
            found.append(number)
        return found

    def file(self, name: str):
        return self.files.get(name)
