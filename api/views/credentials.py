"""The signed-in person's own account: verify_credentials and update_credentials.

update_credentials goes through the settings pages' own forms and services (ProfileForm and
profile_update, PrivacyForm and privacy_update), so an app is told exactly what the pages
would say. Mastodon's free profile fields are our portfolio: Industry, Roles, Location,
Website and Open to collaborate, by those names.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts import services as account_services
from accounts.forms import PrivacyForm, ProfileForm
from accounts.models import Industry, Role, User
from api.entities.accounts import Origin, credential_account, people_by_id
from api.http import ApiError, endpoint, json_response
from api.scopes import scope_covers
from follows.selectors import people as follow_people

# Mastodon's field names (any letter case) and the profile's fields they set.
PROFILE_FIELD_NAMES = {
    "industry": "industry",
    "roles": "roles",
    "role": "roles",
    "location": "location",
    "website": "website",
    "open to collaborate": "open_to_collaborate",
}
FIELD_NAMES_SHOWN = "Industry, Roles, Location, Website, Open to collaborate"
MAX_FIELD_ENTRIES = 16
_YES = frozenset({"yes", "true", "1", "on", "y"})
# A form's `fields_attributes[0][name]`, or `fields_attributes[][name]` (an array).
_FIELD_KEY = re.compile(r"^fields_attributes\[([^\]]{0,20})\]\[(name|value)\]$")
# The settings forms' field names as Mastodon's parameters, for the per-field `details`.
PARAMETER_OF_FIELD = {
    "display_name": "display_name",
    "bio": "note",
    "avatar_upload": "avatar",
    "avatar_remove": "avatar",
    "default_visibility": "source[privacy]",
    "approve_followers": "locked",
    "discoverable": "discoverable",
}
# An industry or role value that names none: the form refuses it with its own message.
_NO_CHOICE = "-"


def credential_response(request) -> dict:
    person = people_by_id([request.user.pk])[request.user.pk]
    waiting = follow_people.follow_requests_waiting(user=request.user).count()
    return credential_account(person, Origin(request), follow_requests_count=waiting)


@endpoint("GET", user=True)
def verify_credentials(request):
    """The person the token is for. Mastodon lets the `profile` scope read it, as well as
    read:accounts."""
    granted = set(request.token.scope.split())
    if not (scope_covers(granted, "read:accounts") or "profile" in granted):
        raise ApiError(403, "This action is outside the authorized scopes")
    return json_response(credential_response(request))


# What the API walker checks it against: the scope it needs when it is not `profile`.
verify_credentials.api_scope = "read:accounts"


@endpoint("PATCH", "PUT", scope="write:accounts", user=True)
def update_credentials(request):
    """Change what the settings pages change: display_name, note (the bio), avatar,
    fields_attributes (the portfolio: a given set of fields replaces the whole set, as in
    Mastodon), locked (approve followers), discoverable and source[privacy] (the default
    visibility). A header picture is accepted and ignored (profiles have none), as are bot,
    hide_collections, indexable and source[sensitive] and source[language]. Nothing is
    saved unless everything is valid: 422 with the pages' messages."""
    user, params = request.user, request.params
    profile, profile_changed = _profile_data(user, params)
    files = {}
    avatar = params.file("avatar")
    if avatar is not None:
        files["avatar_upload"] = avatar
        profile_changed = True
    privacy, privacy_changed = _privacy_data(user, params)
    profile_form = ProfileForm(profile, files, instance=user) if profile_changed else None
    privacy_form = PrivacyForm(privacy, instance=user) if privacy_changed else None
    errors = {}
    for form in (profile_form, privacy_form):
        if form is not None and not form.is_valid():
            for field, items in form.errors.as_data().items():
                parameter = PARAMETER_OF_FIELD.get(field, "fields_attributes")
                errors.setdefault(parameter, []).extend(items)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Privacy first: it compares "approve followers" with the stored value (turning it
        # off accepts the requests waiting), and profile_update saves the whole person.
        if privacy_form is not None:
            account_services.privacy_update(
                user=user,
                fields={name: privacy_form.cleaned_data[name] for name in PrivacyForm.Meta.fields},
            )
        if profile_form is not None:
            account_services.profile_update(
                user=user,
                fields={name: profile_form.cleaned_data[name] for name in ProfileForm.Meta.fields},
                avatar_images=profile_form.avatar_images,
                profile_url=request.build_absolute_uri(
                    reverse("accounts:profile", args=[user.username])
                ),
            )
    return json_response(credential_response(request))


def _string(params, name: str) -> str:
    """A text parameter; null is empty, a number or boolean is refused."""
    value = params.raw(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(422, f"{name} must be text.")
    return value


def _checkbox(value: bool) -> str:
    return "on" if value else ""


def _profile_data(user: User, params) -> tuple[dict, bool]:
    """What the profile settings form would post: the saved profile with the changes asked for
    over it, and whether any was."""
    data = {
        "display_name": user.display_name,
        "bio": user.bio,
        "industry": user.industry_id or "",
        "roles": list(user.roles.values_list("slug", flat=True)),
        "location": user.location,
        "website": user.website,
        "open_to_collaborate": _checkbox(user.open_to_collaborate),
    }
    changed = False
    for parameter, field in (("display_name", "display_name"), ("note", "bio")):
        if parameter in params:
            data[field] = _string(params, parameter)
            changed = True
    entries = _field_entries(params)
    if entries is not None:
        data.update(_portfolio(entries))
        changed = True
    return data, changed


def _field_entries(params) -> list[tuple[str, str]] | None:
    """The (name, value) pairs of fields_attributes, in the order given, blank rows left out;
    None when it was not sent. Forms send `fields_attributes[0][name]=...`; JSON a list of
    {"name", "value"} or an object of them by index."""
    found: dict[tuple[str, int], dict] = {}
    for key, values in params.data.items():
        match = _FIELD_KEY.match(key)
        if match is None:
            continue
        index, part = match.groups()
        if index:
            found.setdefault((index, 0), {})[part] = values[-1]
        else:
            for position, value in enumerate(values):
                found.setdefault(("", position), {})[part] = value
    raw = params.data.get("fields_attributes")
    if raw is None and not found:
        return None
    rows = list(found.values())
    for item in raw or []:
        if isinstance(item, dict) and ("name" in item or "value" in item):
            rows.append(item)
        elif isinstance(item, dict):
            rows.extend(item.values())
        else:
            rows.append(None)
    if len(rows) > MAX_FIELD_ENTRIES:
        raise ApiError(422, f"Send at most {MAX_FIELD_ENTRIES} profile fields.")
    entries = []
    for row in rows:
        if not isinstance(row, dict):
            raise ApiError(422, "Each profile field must have a name and a value.")
        name, value = row.get("name"), row.get("value")
        if not all(part is None or isinstance(part, str) for part in (name, value)):
            raise ApiError(422, "A profile field's name and value must be text.")
        name, value = (name or "").strip(), value or ""
        if name or value.strip():
            entries.append((name, value))
    return entries


def _portfolio(entries: list[tuple[str, str]]) -> dict:
    """The profile form's portfolio values for these fields: the ones not named are emptied
    (the given set replaces the whole set); industry and roles are found by name."""
    data = {
        "industry": "",
        "roles": [],
        "location": "",
        "website": "",
        "open_to_collaborate": "",
    }
    for name, value in entries:
        field = PROFILE_FIELD_NAMES.get(name.casefold())
        if field is None:
            shown = "".join(char for char in name[:40] if char.isprintable())
            raise ApiError(
                422,
                f'There is no profile field "{shown}". The fields are: {FIELD_NAMES_SHOWN}.',
            )
        value = value.strip()
        if field == "industry":
            data[field] = _industry_id(value) if value else ""
        elif field == "roles":
            data[field] = _role_slugs(value)
        elif field == "open_to_collaborate":
            data[field] = _checkbox(value.casefold() in _YES)
        else:
            data[field] = value
    return data


def _industry_id(name: str):
    """The industry named `name` (or with that slug), by its id; one that names none is left
    for the form to refuse."""
    if len(name) > 80 or not name.isprintable():
        return _NO_CHOICE
    for industry in Industry.objects.all():
        if name.casefold() in (industry.name.casefold(), industry.slug):
            return industry.pk
    return _NO_CHOICE


def _role_slugs(text: str) -> list[str]:
    """The slugs of the roles named in `text` ("Foley artist, Composer"); a name of none is
    left for the form to refuse ("Choose roles from the list.")."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        return []
    known = {}
    for role in Role.objects.all():
        known[role.name.casefold()] = role.slug
        known[role.slug] = role.slug
    return [known.get(name.casefold(), _NO_CHOICE) for name in names]


def _source(params, name: str):
    """source[name], from a form (`source[privacy]=...`) or JSON ({"source": {...}})."""
    key = f"source[{name}]"
    if key in params:
        return params.raw(key)
    source = params.raw("source")
    if isinstance(source, dict) and name in source:
        return source[name]
    return None


def _privacy_data(user: User, params) -> tuple[dict, bool]:
    """What the privacy settings form would post: the saved settings with locked,
    discoverable and source[privacy] over them, and whether any was given."""
    data = {
        "default_visibility": user.default_visibility,
        "approve_followers": _checkbox(user.approve_followers),
        "messages_from": user.messages_from,
        "discoverable": _checkbox(user.discoverable),
    }
    changed = False
    for parameter, field in (("locked", "approve_followers"), ("discoverable", "discoverable")):
        if parameter in params:
            data[field] = _checkbox(params.flag(parameter))
            changed = True
    privacy = _source(params, "privacy")
    if privacy is not None:
        # Anything but a visibility's name is refused by the form, with its message.
        data["default_visibility"] = privacy if isinstance(privacy, str) else _NO_CHOICE
        changed = True
    return data, changed
