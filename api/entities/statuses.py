"""The Status entity and its MediaAttachment, for a page of posts at once."""

from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import OPEN_VISIBILITY
from api.entities.accounts import Origin, account, people_by_id
from api.http import iso
from core.links import link
from posts import media as media_files
from posts import text as post_text
from posts.models import Attachment, Post

# Our kinds as Mastodon's media types.
MEDIA_TYPES = {Attachment.Kind.IMAGE: "image", Attachment.Kind.AUDIO: "audio"}


def content_html(post: Post, origin: Origin) -> str:
    """The post's text as the pages render it (escaped, then linked), in a paragraph, with our
    links made absolute for apps. Safe to rewrite: every quote of the person's text is escaped,
    so `href="/` can only be one of the renderer's own links."""
    if not post.text:
        return ""
    html = post_text.render_post_text(post.text, post.mentioned_usernames)
    return "<p>" + html.replace('href="/', f'href="{origin.base}/') + "</p>"


def attachment(item: Attachment, origin: Origin, *, granted: bool = False) -> dict:
    """The MediaAttachment entity. Files are served to who may see their post, as on the
    pages; `granted` adds a grant to the addresses (`posts.media.grant_for`) for a post not
    open to all, or a draft: an app loads them without the session cookie the pages send."""
    url = origin.url(reverse("posts:attachment", args=[item.pk]))
    preview = origin.url(reverse("posts:attachment_preview", args=[item.pk]))
    if granted:
        query = "?" + urlencode({"grant": media_files.grant_for(item.pk)})
        url, preview = url + query, preview + query
    meta = {}
    if item.width and item.height:
        meta["original"] = {
            "width": item.width,
            "height": item.height,
            "size": f"{item.width}x{item.height}",
            "aspect": round(item.width / item.height, 6),
        }
        meta["focus"] = {"x": 0.0, "y": 0.0}
    if item.preview_width and item.preview_height:
        meta["small"] = {
            "width": item.preview_width,
            "height": item.preview_height,
            "size": f"{item.preview_width}x{item.preview_height}",
            "aspect": round(item.preview_width / item.preview_height, 6),
        }
    if item.duration is not None:
        meta.setdefault("original", {})["duration"] = round(item.duration, 3)
        meta["duration"] = round(item.duration, 3)
        meta["length"] = _length(item.duration)
    return {
        "id": str(item.pk),
        "type": MEDIA_TYPES.get(item.kind, "unknown"),
        "url": url,
        "preview_url": preview if item.preview else (url if item.kind == "image" else None),
        "remote_url": None,
        "meta": meta,
        "description": item.description or None,
        "blurhash": item.blurhash or None,
    }


def _length(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}.{int(seconds * 100) % 100:02d}"


def _mentions(posts: list[Post]) -> dict[int, list[tuple[int, str]]]:
    """(id, username) of the people each post mentions (its readers for a direct post): one
    query for the page."""
    through = Post.mentions.through
    found: dict[int, list[tuple[int, str]]] = {}
    rows = through.objects.filter(post_id__in=[post.pk for post in posts]).values_list(
        "post_id", "user_id", "user__username"
    )
    for post_id, user_id, username in rows.order_by("id"):
        found.setdefault(post_id, []).append((user_id, username))
    return found


class StatusWriter:
    """Status entities for a page of posts (from `with_status_data(viewer)` or
    `with_card_data(viewer)`), with everything they need loaded at once: the accounts of
    authors and reposted authors, mentions. Posts without a viewer's flags (neither of those)
    read as not liked or reposted."""

    def __init__(self, posts: list[Post], viewer, origin: Origin):
        self.viewer, self.origin = viewer, origin
        shown = [post.repost_of if post.repost_of_id else post for post in posts]
        everything = [*posts, *(post for post in shown if post is not None)]
        self.people = people_by_id(post.author_id for post in everything)
        self.mentioned = _mentions([post for post in shown if post is not None])

    def status(self, post: Post) -> dict:
        if post.repost_of_id:
            reblog = self._entity(post.repost_of, liked_from=post)
            entity = self._entity(post, liked_from=post)
            entity["reblog"] = reblog
            # A repost's own counts and flags are its original's, as Mastodon shows them.
            for name in ("favourited", "reblogged", "favourites_count", "reblogs_count"):
                entity[name] = reblog[name]
            return entity
        return self._entity(post, liked_from=post)

    def statuses(self, posts: list[Post]) -> list[dict]:
        return [self.status(post) for post in posts]

    def _entity(self, post: Post, *, liked_from: Post) -> dict:
        author = self.people[post.author_id]
        url = self.origin.url(link("posts:detail", author.username, post.pk))
        mine = self.viewer is not None and self.viewer.pk == post.author_id
        mentions = [
            {
                "id": str(user_id),
                "username": username,
                "acct": username,
                "url": self.origin.url(link("accounts:profile", username)),
            }
            for user_id, username in self.mentioned.get(post.pk, [])
        ]
        tags = [
            {
                "name": tag,
                "url": self.origin.url(link("posts:tag", post_text.hashtag_key(tag))),
            }
            for tag in dict.fromkeys(post_text.extract_hashtags(post.text))
        ]
        granted = post.visibility not in OPEN_VISIBILITY
        media = [
            attachment(item, self.origin, granted=granted)
            for item in (post.attachments.all() if post.has_media else ())
        ]
        return {
            "id": str(post.pk),
            "uri": url,
            "url": url,
            "created_at": iso(post.created_at),
            "edited_at": None,
            "account": account(author, self.origin),
            "content": content_html(post, self.origin),
            "visibility": post.visibility,
            "sensitive": False,
            "spoiler_text": "",
            "media_attachments": media,
            "application": None,
            "mentions": mentions,
            "tags": tags,
            "emojis": [],
            "reblogs_count": post.repost_count,
            "favourites_count": post.like_count,
            "replies_count": post.reply_count,
            "quotes_count": 0,
            "in_reply_to_id": _id_or_none(post.in_reply_to_id),
            "in_reply_to_account_id": _id_or_none(
                post.in_reply_to.author_id if post.in_reply_to_id and post.in_reply_to else None
            ),
            "reblog": None,
            "poll": None,
            "card": None,
            # The site has no quote posts: nobody may quote, which apps read to hide the button.
            "quote": None,
            "quote_approval": {"automatic": [], "manual": [], "current_user": "denied"},
            "tagged_collections": [],
            "language": None,
            "text": None,
            "favourited": bool(getattr(liked_from, "viewer_liked", False)),
            "reblogged": bool(getattr(liked_from, "viewer_reposted", False)),
            "muted": False,
            "bookmarked": False,
            "pinned": bool(mine and post.pinned_at),
            "filtered": [],
        }


def _id_or_none(value) -> str | None:
    return None if value is None else str(value)
