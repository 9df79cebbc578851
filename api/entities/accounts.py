"""The Account entity (and CredentialAccount, the signed-in person's own)."""

from django.templatetags.static import static
from django.utils.html import escape, linebreaks

from accounts.models import User
from accounts.selectors import people_counted_by_id, role_names
from api.http import iso
from core.links import link

# Apps need an image URL even for people without a picture (Tusky crashed on a missing one).
MISSING_AVATAR = "api/avatar.png"
MISSING_HEADER = "api/header.png"


class Origin:
    """The site's address as the request reached it, for the absolute URLs entities carry."""

    def __init__(self, request):
        self.base = request.build_absolute_uri("/").rstrip("/")
        self._static: dict[str, str] = {}

    def url(self, path: str) -> str:
        return self.base + path

    def static(self, path: str) -> str:
        """A static file's absolute URL, looked up once a request: a page of statuses names
        the default pictures for most of its accounts (a lookup for each was 3,800 of the
        53,000 Python calls of the API's home timeline)."""
        found = self._static.get(path)
        if found is None:
            found = self._static[path] = self.url(static(path))
        return found


def people_by_id(ids) -> dict[int, User]:
    """The people with these ids (suspended ones included), each with their counts and roles:
    one query for each hundred (`accounts.selectors.people_counted_by_id`)."""
    return people_counted_by_id(ids)


def _note(person: User) -> str:
    return linebreaks(escape(person.bio)) if person.bio else ""


def _profile_fields(person: User) -> list[tuple[str, str, str, str | None]]:
    """The profile's portfolio as Mastodon's profile fields, each (name, value as HTML, value
    as text, verified_at): industry, roles, location, website (verified when its rel="me"
    link was found), open to collaborate. The text is what update_credentials takes back."""
    fields = []
    if person.industry_id:
        fields.append(("Industry", escape(person.industry.name), person.industry.name, None))
    roles = ", ".join(role_names(person))
    if roles:
        fields.append(("Roles", escape(roles), roles, None))
    if person.location:
        fields.append(("Location", escape(person.location), person.location, None))
    if person.website:
        anchor = (
            f'<a href="{escape(person.website)}" rel="nofollow noopener me" target="_blank">'
            f"{escape(person.website)}</a>"
        )
        fields.append(("Website", anchor, person.website, iso(person.website_verified_at)))
    if person.open_to_collaborate:
        fields.append(("Open to collaborate", "Yes", "Yes", None))
    return fields


def _fields(person: User, origin: Origin) -> list[dict]:
    return [
        {"name": name, "value": value, "verified_at": at}
        for name, value, _, at in _profile_fields(person)
    ]


def avatar_url(person: User, origin: Origin) -> str:
    if person.avatar:
        return origin.url(person.avatar.url)
    return origin.static(MISSING_AVATAR)


def account(person: User, origin: Origin) -> dict:
    """The Account entity of `person`, from people_by_id (or any query of people_counted)."""
    avatar = avatar_url(person, origin)
    header = origin.static(MISSING_HEADER)
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
        # As Mastodon shows a suspended account, and as its profile page does: that it is
        # suspended, and nothing the person wrote or chose.
        missing = origin.static(MISSING_AVATAR)
        entity.update(
            display_name="",
            note="",
            avatar=missing,
            avatar_static=missing,
            locked=False,
            fields=[],
            discoverable=False,
            indexable=False,
            last_status_at=None,
            statuses_count=0,
            followers_count=0,
            following_count=0,
            suspended=True,
        )
    return entity


def credential_account(person: User, origin: Origin, *, follow_requests_count: int) -> dict:
    """The signed-in person's own Account, with `source` (what their settings hold, the
    fields as text to edit) and `role`, as verify_credentials and update_credentials answer.
    `follow_requests_count`: the requests waiting, as their page lists them."""
    entity = account(person, origin)
    entity["source"] = {
        "note": person.bio,
        "fields": [
            {"name": name, "value": text, "verified_at": at}
            for name, _, text, at in _profile_fields(person)
        ],
        "privacy": person.default_visibility,
        "sensitive": False,
        "language": "",
        "follow_requests_count": follow_requests_count,
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
