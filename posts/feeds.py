"""RSS 2.0 and Atom feeds of public posts: a person's, a hashtag's, an industry's.

A feed reader is a visitor, and a feed is copied and kept where nothing can take a post back: the
items are `Post.objects.listed()` (public, not removed, the author visible) whoever asks, less
reposts (they have no text of their own). Each feed is an RSS class, and its Atom variant
mixes in `AtomFeed`.
"""

import html
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.views.decorators.http import require_safe

from accounts.models import Industry, User
from posts import text as post_text
from posts.models import Attachment, Post, media_load

ITEMS = 20
TITLE_LENGTH = 60
# The hrefs render_post_text writes for mentions and hashtags: paths on this site. Links in the
# text are whole http(s) URLs, so these are the only hrefs that start with "/".
_SITE_PATH_HREF = re.compile(r'href="/')


def media_title(attachments: list[Attachment]) -> str:
    """What a post with only media is called in a feed: "A picture", "3 pictures", "A sound"."""
    if any(attachment.kind == Attachment.Kind.AUDIO for attachment in attachments):
        return "A sound"
    if len(attachments) == 1:
        return "A picture"
    return f"{len(attachments)} pictures"


class PostFeed(Feed):
    """What the feeds share: which posts, and how a post becomes an item. A subclass finds what
    the feed is about (`get_object`, 404 when there is no such thing), filters the posts
    (`posts`) and names the channel."""

    item_guid_is_permalink = True
    # RSS 2.0 allows one enclosure per item (Django's RSS writer refuses more); Atom any number.
    enclosures_max = 1

    @classmethod
    def as_view(cls):
        """The view for the URLconf: a fresh feed per request, which keeps the request for the
        absolute URLs items need (Feed passes item methods only the item, and one instance in
        the URLconf would be shared by every thread)."""

        @require_safe
        def view(request, *args, **kwargs):
            feed = cls()
            feed.request = request
            return feed(request, *args, **kwargs)

        return view

    def posts(self, obj):
        raise NotImplementedError

    def items(self, obj):
        posts = list(
            self.posts(obj)
            .filter(repost_of__isnull=True)
            .select_related("author")
            .only(
                "text",
                "created_at",
                "has_media",
                "repost_of",  # media_load reads it
                "mentioned_usernames",
                "author__username",
                "author__display_name",
            )
            .order_by("-id")[:ITEMS]
        )
        media_load(posts)  # one query for the attachments of all items that have any
        return posts

    def _text(self, value: str) -> str:
        # Readers may take RSS titles and descriptions as HTML, Atom's as plain text (Django
        # writes no type): a name or a post with "<b>" reads as typed in both. Quotes are left
        # alone, for the readers that show RSS titles as text.
        return value if issubclass(self.feed_type, Atom1Feed) else html.escape(value, quote=False)

    def _absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def subtitle(self, obj):
        return self.description(obj)  # Atom's name for the channel's description

    def item_title(self, post):
        text = " ".join(post.text.split())
        if not text:
            return self._text(media_title(list(post.attachments.all())))
        if len(text) > TITLE_LENGTH:
            text = text[:TITLE_LENGTH].rstrip() + "…"
        return self._text(text)

    def item_description(self, post):
        rendered = post_text.render_post_text(post.text, post.mentioned_usernames)
        # A reader shows the HTML away from the site, where a bare path leads nowhere.
        return _SITE_PATH_HREF.sub(f'href="{self._absolute("/")}', rendered)

    def item_link(self, post):
        return reverse("posts:detail", args=[post.author.username, post.pk])

    def item_author_name(self, post):
        return post.author.name

    def item_author_link(self, post):
        return self._absolute(reverse("accounts:profile", args=[post.author.username]))

    def item_pubdate(self, post):
        return post.created_at

    def item_enclosures(self, post):
        attachments = list(post.attachments.all()) if post.has_media else []
        return [
            Enclosure(
                url=self._absolute(reverse("posts:attachment", args=[attachment.pk])),
                length=str(attachment.size),
                mime_type=attachment.content_type,
            )
            for attachment in attachments[: self.enclosures_max]
        ]


class AtomFeed:
    """Mixed into a feed (before it) for its Atom variant."""

    feed_type = Atom1Feed
    enclosures_max = None


class ProfileFeed(PostFeed):
    """/@<username>/feed.rss: a person's public posts; 404 for someone who may not be shown
    (unknown, suspended, deactivated, waiting for approval)."""

    def get_object(self, request, username):
        return get_object_or_404(User.objects.visible().named(username))

    def posts(self, person):
        return Post.objects.listed().filter(author=person)

    def title(self, person):
        return self._text(f"Posts by {person.name} (@{person.username})")

    def link(self, person):
        return reverse("accounts:profile", args=[person.username])

    def description(self, person):
        return self._text(
            person.bio or f"Public posts by @{person.username} on {settings.SITE_NAME}"
        )


class ProfileAtomFeed(AtomFeed, ProfileFeed):
    pass


class TagFeed(PostFeed):
    """/tags/<tag>/feed.rss: public posts with the hashtag, in any letter case. As the tag page,
    a tag nobody has used yet is an empty feed, not a 404."""

    def get_object(self, request, tag):
        return tag

    def posts(self, tag):
        return Post.objects.listed().filter(hashtags__name=post_text.hashtag_key(tag))

    def title(self, tag):
        return self._text(f"#{tag}")

    def link(self, tag):
        return reverse("posts:tag", args=[tag])

    def description(self, tag):
        return self._text(f"Public posts with #{tag} on {settings.SITE_NAME}")


class TagAtomFeed(AtomFeed, TagFeed):
    pass


class IndustryFeed(PostFeed):
    """/industries/<slug>/feed.rss: public posts by the people in an industry."""

    def get_object(self, request, slug):
        return get_object_or_404(Industry, slug=slug)

    def posts(self, industry):
        return Post.objects.listed().filter(author__industry=industry)

    def title(self, industry):
        return self._text(industry.name)

    def link(self, industry):
        return reverse("follows:industry", args=[industry.slug])

    def description(self, industry):
        return self._text(f"Public posts by people in {industry.name} on {settings.SITE_NAME}")


class IndustryAtomFeed(AtomFeed, IndustryFeed):
    pass
