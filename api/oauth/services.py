"""What registering an app and authorizing one write and read: an app beside its registered
scopes, the apps a person authorized, and taking one's access back."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from api.models import ClientApp
from api.scopes import DEFAULT

OOB = "urn:ietf:wg:oauth:2.0:oob"
# Schemes a browser would run or read from the person's own disk, never a place to send a code.
DANGEROUS_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "blob", "about"})
MAX_REDIRECT_URIS = 20
MAX_URI_LENGTH = 2000
MAX_NAME_LENGTH = 60


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
