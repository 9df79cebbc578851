"""Mastodon's OAuth scopes, and which of them a token's scopes cover.

A token holds the scopes its person agreed to: broad ones ("read", "write", "follow", "push")
or granular ones ("read:statuses"). An endpoint asks for one granular scope; a broad scope
covers all of its kind, and the old "follow" covers reading and changing follows, blocks and
mutes, as in Mastodon.
"""

from oauth2_provider.scopes import BaseScopes

READ = (
    "accounts",
    "blocks",
    "bookmarks",
    "favourites",
    "filters",
    "follows",
    "lists",
    "mutes",
    "notifications",
    "search",
    "statuses",
)
WRITE = (
    "accounts",
    "blocks",
    "bookmarks",
    "conversations",
    "favourites",
    "filters",
    "follows",
    "lists",
    "media",
    "mutes",
    "notifications",
    "reports",
    "statuses",
)
FOLLOW = frozenset(
    {
        "read:follows",
        "write:follows",
        "read:blocks",
        "write:blocks",
        "read:mutes",
        "write:mutes",
    }
)

SCOPES = {
    "read": "Read everything your account can see",
    "write": "Post, like, repost, follow and change your profile",
    "follow": "See and change whom you follow, block and mute",
    "push": "Receive notifications as they happen",
    "profile": "Know who you are (your name and picture)",
    **{f"read:{name}": f"Read your {name.replace('_', ' ')}" for name in READ},
    **{f"write:{name}": f"Change your {name.replace('_', ' ')}" for name in WRITE},
}
# What an app gets when it asks for nothing: Mastodon's default.
DEFAULT = ("read",)


def scope_covers(granted: str | set, needed: str) -> bool:
    """Whether the scopes `granted` (a token's space-separated string, or a set) allow what the
    granular scope `needed` names."""
    if isinstance(granted, str):
        granted = set(granted.split())
    if needed in granted:
        return True
    kind = needed.partition(":")[0]
    if kind in granted:
        return True
    return "follow" in granted and needed in FOLLOW


def scopes_parse(text: str | None) -> list[str] | None:
    """The known scopes in a space- or plus-separated request parameter, in order, once each;
    None when one of them is unknown. An empty parameter means the default."""
    names = (text or "").replace("+", " ").split()
    if not names:
        return list(DEFAULT)
    if any(name not in SCOPES for name in names):
        return None
    return list(dict.fromkeys(names))


class MastodonScopes(BaseScopes):
    """django-oauth-toolkit's view of the scopes: every one exists; an app may be given the
    scopes it registered (`Application` keeps them in api.models.AppScopes), the default when
    it asks for none."""

    def get_all_scopes(self):
        return SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return list(SCOPES)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return list(DEFAULT)
