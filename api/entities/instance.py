"""The server's description for apps (Mastodon's Instance, V1 Instance and Rule entities) and
for crawlers (NodeInfo 2.0 and 2.1): limits read from the modules that enforce them, so the
numbers an app is told are the ones the services apply."""

import functools
import tomllib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import RegistrationMode, SiteSettings, User
from accounts.selectors import people_counted
from api.entities.accounts import Origin, account
from core import images
from posts import media
from posts import text as post_text
from posts.models import Post

SOFTWARE = "microblog"
# Mastodon's API version (the `api_versions` of 4.3, the release we follow).
MASTODON_API_VERSION = 2
# Instance statistics are COUNT(*)s over whole tables: cached for everyone a minute (the cache
# is shared by all processes: Redis or the database).
COUNTS_SECONDS = 60
COUNTS_KEY = "api:instance:counts"
MAX_PINNED = 3

# What posts.media accepts: its pictures (core.images' formats) and sound clips, under the
# names apps and browsers give them. Videos are not taken.
MIME_TYPES = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "audio/mpeg",
    "audio/mp3",
    "audio/ogg",
    "audio/opus",
    "audio/vorbis",
    "audio/flac",
    "audio/x-flac",
    "audio/wav",
    "audio/wave",
    "audio/x-wav",
    "audio/vnd.wave",
    "audio/mp4",
    "audio/m4a",
    "audio/x-m4a",
]


@functools.cache
def _project() -> dict:
    """pyproject.toml's [project] (the site runs from its tree, not as an installed package)."""
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as file:
            return tomllib.load(file).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def software_version() -> str:
    return str(_project().get("version", "0"))


def _source_url(origin: Origin) -> str:
    """Where the code is (SOURCE_URL), else the site itself: Mastodon asks for a URL."""
    return settings.SOURCE_URL or origin.url("/")


def version_string() -> str:
    """Mastodon's version first, which apps compare with, then ours: a form every client
    library parses (masto.js needs the first word to be semver)."""
    return f"{settings.API_COMPATIBLE_VERSION} (compatible; {SOFTWARE} {software_version()})"


def counts() -> dict:
    """People who may be shown, the posts anyone may see, and who signed in lately."""
    found = cache.get(COUNTS_KEY)
    if found is None:
        now = timezone.now()
        people = User.objects.visible()
        found = {
            "users": people.count(),
            "posts": Post.objects.visible().count(),
            "active_month": people.filter(last_login__gte=now - timedelta(days=30)).count(),
            "active_halfyear": people.filter(last_login__gte=now - timedelta(days=180)).count(),
        }
        cache.set(COUNTS_KEY, found, COUNTS_SECONDS)
    return found


def description() -> str:
    return settings.SITE_DESCRIPTION or str(_project().get("description", ""))


def _contact_email() -> str:
    return settings.SITE_CONTACT_EMAIL


def contact_person() -> User | None:
    """The site's first administrator who may be shown, as the account apps offer to contact."""
    return (
        people_counted()
        .filter(is_superuser=True)
        .filter(pk__in=User.objects.visible().values("pk"))
        .order_by("pk")
        .first()
    )


def _site_settings() -> SiteSettings:
    """The admin's settings, read without writing (SiteSettings.load() creates the row; a GET
    writes nothing): the defaults until the admin saves them."""
    return SiteSettings.objects.filter(pk=1).first() or SiteSettings()


def registrations(origin: Origin) -> dict:
    """Sign-up as the admin set it (accounts.models.SiteSettings): open, with approval, by
    invite, or closed. Apps sign people up on the site's page (`url`)."""
    row = _site_settings()
    mode = row.registration_mode
    enabled = mode in (RegistrationMode.OPEN, RegistrationMode.APPROVAL)
    message = None
    if not enabled:
        message = escape(row.closed_message) if row.closed_message else None
    return {
        "mode": mode,
        "enabled": enabled,
        "approval_required": mode == RegistrationMode.APPROVAL,
        "message": message,
        "url": origin.url(reverse("accounts:signup")),
    }


def _thumbnail(origin: Origin) -> str:
    return origin.url(static("api/header.png"))


def _statuses() -> dict:
    return {
        "max_characters": post_text.MAX_LENGTH,
        "max_media_attachments": media.MAX_IMAGES,
        "characters_reserved_per_url": post_text.URL_WEIGHT,
    }


def _media() -> dict:
    # Mastodon applies video_size_limit to sound too, and apps check sound against it.
    return {
        "supported_mime_types": MIME_TYPES,
        "description_limit": media.DESCRIPTION_MAX_LENGTH,
        "image_size_limit": media.IMAGE_MAX_BYTES,
        "image_matrix_limit": images.MAX_PIXELS,
        "video_size_limit": media.AUDIO_MAX_BYTES,
        "video_frame_rate_limit": 0,
        "video_matrix_limit": 0,
    }


_POLLS = {
    "max_options": 0,
    "max_characters_per_option": 0,
    "min_expiration": 0,
    "max_expiration": 0,
}


def instance_v2(origin: Origin, host: str) -> dict:
    """The Instance entity (GET /api/v2/instance). No streaming URL: there is no streaming API,
    and an address that refuses would have apps retry it."""
    signup = registrations(origin)
    person = contact_person()
    return {
        "domain": host,
        "title": settings.SITE_NAME,
        "version": version_string(),
        "source_url": _source_url(origin),
        "description": description(),
        "usage": {"users": {"active_month": counts()["active_month"]}},
        "thumbnail": {"url": _thumbnail(origin)},
        "icon": [],
        "languages": ["en"],
        "configuration": {
            "urls": {
                "status": None,
                "about": origin.url("/"),
                "privacy_policy": None,
                "terms_of_service": None,
            },
            "vapid": {"public_key": ""},
            "accounts": {
                "max_featured_tags": 0,
                "max_pinned_statuses": MAX_PINNED,
                "max_display_name_length": User._meta.get_field("display_name").max_length,
                "max_note_length": User._meta.get_field("bio").max_length,
                "max_profile_fields": 0,
            },
            "statuses": _statuses(),
            "media_attachments": _media(),
            "polls": _POLLS,
            "translation": {"enabled": False},
            "limited_federation": False,
        },
        "registrations": {
            "enabled": signup["enabled"],
            "approval_required": signup["approval_required"],
            "reason_required": False if signup["approval_required"] else None,
            "message": signup["message"],
            "min_age": None,
            "url": signup["url"],
        },
        "api_versions": {"mastodon": MASTODON_API_VERSION},
        "contact": {
            "email": _contact_email(),
            "account": account(person, origin) if person else None,
        },
        "rules": [],
    }


def instance_v1(origin: Origin, host: str) -> dict:
    """The V1 Instance entity (GET /api/v1/instance), which older apps still read."""
    signup = registrations(origin)
    person = contact_person()
    numbers = counts()
    return {
        "uri": host,
        "title": settings.SITE_NAME,
        "short_description": description(),
        "description": description(),
        "email": _contact_email(),
        "version": version_string(),
        "urls": {},
        "stats": {
            "user_count": numbers["users"],
            "status_count": numbers["posts"],
            "domain_count": 1,
        },
        "thumbnail": _thumbnail(origin),
        "languages": ["en"],
        "registrations": signup["enabled"],
        "approval_required": signup["approval_required"],
        "invites_enabled": signup["mode"] != RegistrationMode.OPEN,
        "configuration": {
            "accounts": {"max_featured_tags": 0},
            "statuses": _statuses(),
            "media_attachments": _media(),
            "polls": _POLLS,
        },
        "contact_account": account(person, origin) if person else None,
        "rules": [],
    }


def nodeinfo(version: str) -> dict:
    """NodeInfo `version` ("2.0" or "2.1"). No protocols: the site does not federate yet."""
    numbers = counts()
    software = {"name": SOFTWARE, "version": software_version()}
    if version == "2.1" and settings.SOURCE_URL:
        software["repository"] = settings.SOURCE_URL
    return {
        "version": version,
        "software": software,
        "protocols": [],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": _site_settings().registration_mode == RegistrationMode.OPEN,
        "usage": {
            "users": {
                "total": numbers["users"],
                "activeMonth": numbers["active_month"],
                "activeHalfyear": numbers["active_halfyear"],
            },
            "localPosts": numbers["posts"],
        },
        "metadata": {"nodeName": settings.SITE_NAME},
    }
