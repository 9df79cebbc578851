"""The Account entity (and CredentialAccount, the signed-in person's own)."""

from django.templatetags.static import static
from django.utils.html import escape, linebreaks

from accounts.models import User
from accounts.selectors import people_counted
from api.http import iso
from core.links import link

# Apps need an image URL even for people without a picture (Tusky crashed on a missing one).
MISSING_AVATAR = "api/avatar.png"
MISSING_HEADER = "api/header.png"


class Origin:
    """The site's address as the request reached it, for the absolute URLs entities carry."""

    def __init__(self, request):
        self.base = request.build_absolute_uri("/").rstrip("/")

    def url(self, path: str) -> str:
        return self.base + path


def people_by_id(ids) -> dict[int, User]:
    """The people with these ids (suspended ones included), each with their counts: one query,
    and one for their roles when any."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    return {person.pk: person for person in people_counted().filter(pk__in=ids)}


def _note(person: User) -> str:
    return linebreaks(escape(person.bio)) if person.bio else ""


def _fields(person: User, origin: Origin) -> list[dict]:
    """The profile's portfolio as Mastodon's profile fields: industry, roles, location,
    website (verified when its rel="me" link was found), open to collaborate."""
    fields = []
    if person.industry_id:
        fields.append(("Industry", escape(person.industry.name), None))
    roles = [role.name for role in person.roles.all()]
    if roles:
        fields.append(("Roles", escape(", ".join(roles)), None))
    if person.location:
        fields.append(("Location", escape(person.location), None))
    if person.website:
        anchor = (
            f'<a href="{escape(person.website)}" rel="nofollow noopener me" target="_blank">'
            f"{escape(person.website)}</a>"
        )
        fields.append(("Website", anchor, iso(person.website_verified_at)))
    if person.open_to_collaborate:
        fields.append(("Open to collaborate", "Yes", None))
    return [{"name": name, "value": value, "verified_at": at} for name, value, at in fields]


def avatar_url(person: User, origin: Origin) -> str:
    if person.avatar:
        return origin.url(person.avatar.url)
    return origin.url(static(MISSING_AVATAR))


def account(person: User, origin: Origin) -> dict:
    """The Account entity of `person`, from people_by_id (or any query of people_counted)."""
    avatar = avatar_url(person, origin)
    header = origin.url(static(MISSING_HEADER))
    url = origin.url(link("accounts:profile", person.username))
    entity = {
        "id": str(person.pk),
        "username": person.username,
        "acct": person.username,
        "url": url,
        "uri": url,
        "display_name": person.display_name,
        "note": _note(person),
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "locked": person.approve_followers,
        "fields": _fields(person, origin),
        "emojis": [],
        "bot": False,
        "group": False,
        "discoverable": person.discoverable,
        "indexable": person.discoverable,
        "noindex": False,
        "hide_collections": False,
        "roles": [],
        "created_at": iso(person.date_joined),
        "last_status_at": person.last_post_at.date().isoformat() if person.last_post_at else None,
        "statuses_count": person.posts_count,
        "followers_count": person.followers_count,
        "following_count": person.following_count,
    }
    if person.is_suspended:
        entity["suspended"] = True
    return entity


def credential_account(person: User, origin: Origin) -> dict:
    """The signed-in person's own Account, with `source` (what their settings hold) and
    `role`, as verify_credentials and update_credentials answer."""
    entity = account(person, origin)
    entity["source"] = {
        "note": person.bio,
        "fields": [
            {"name": field["name"], "value": field["value"], "verified_at": field["verified_at"]}
            for field in entity["fields"]
        ],
        "privacy": person.default_visibility,
        "sensitive": False,
        "language": "",
        "follow_requests_count": person.follow_requests.count(),
        "indexable": person.discoverable,
        "hide_collections": False,
        "discoverable": person.discoverable,
        "attribution_domains": [],
    }
    entity["role"] = {
        "id": "-99" if not person.is_staff else "3",
        "name": "Admin" if person.is_superuser else ("Moderator" if person.is_staff else ""),
        "color": "",
        "permissions": "0",
        "highlighted": False,
    }
    return entity
