"""The Tag entity."""

from api.entities.accounts import Origin
from core.links import link
from posts.models import Hashtag


def tag(hashtag: Hashtag, origin: Origin) -> dict:
    """A hashtag as Mastodon shows it. No daily history is kept; following hashtags is not
    something the site does, so `following` is always false."""
    return {
        "id": str(hashtag.pk),
        "name": hashtag.name,
        "url": origin.url(link("posts:tag", hashtag.name)),
        "history": [],
        "following": False,
        "featuring": False,
    }
