"""RSS 2.0 and Atom feeds of a person, a hashtag and an industry, read as a feed reader reads them
(feedparser): public posts only, newest first, reposts left out, pictures and sounds as
enclosures (one in RSS, all in Atom), 404 where the page is, a fixed number of queries, and the
pages announcing them."""

import calendar
import io
import re

import feedparser
import pytest
from django.utils import timezone
from PIL import Image

from accounts.models import Visibility
from follows.services import follow_create
from moderation import services as moderation_services
from posts import services
from posts.feeds import ITEMS
from tests.accounts.images import image_upload, upload
from tests.factories import IndustryFactory, UserFactory
from tests.posts import sounds

pytestmark = pytest.mark.django_db

RSS, ATOM = "rss", "atom"
FORMATS = (RSS, ATOM)
CONTENT_TYPES = {
    RSS: "application/rss+xml; charset=utf-8",
    ATOM: "application/atom+xml; charset=utf-8",
}


def read(client, url: str):
    """The feed at `url`, parsed; fails unless it is a well-formed feed of the right type."""
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    kind = url.rsplit(".", 1)[1]
    assert response["Content-Type"] == CONTENT_TYPES[kind]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == ("rss20" if kind == RSS else "atom10")
    return parsed


def permalink(post) -> str:
    return f"http://testserver/@{post.author.username}/{post.pk}/"


@pytest.fixture
def sound_design():
    return IndustryFactory(name="Sound design", slug="sound-design")


@pytest.fixture
def maya(sound_design):
    return UserFactory(username="maya", display_name="Maya Ortiz", industry=sound_design)


def picture_post(author, text="", pictures=1, size=(1200, 900)):
    drafts = [
        services.attachment_create(owner=author, upload=image_upload("PNG", size=size))
        for _ in range(pictures)
    ]
    return services.post_create(
        author=author, text=text, media=[(d.pk, f"Desk {n}") for n, d in enumerate(drafts)]
    )


# --- what an item says -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_a_persons_feed_lists_their_public_posts_newest_first(client, maya, kind):
    first = services.post_create(author=maya, text="Printmaster on stage B #foley")
    second = services.post_create(author=maya, text="Room tone, take 2")

    feed = read(client, f"/@maya/feed.{kind}")

    assert feed.feed.title == "Posts by Maya Ortiz (@maya)"
    assert feed.feed.link == "http://testserver/@maya/"
    assert [entry.title for entry in feed.entries] == [second.text, first.text]
    assert [entry.link for entry in feed.entries] == [permalink(second), permalink(first)]
    assert [entry.id for entry in feed.entries] == [permalink(second), permalink(first)]
    entry = feed.entries[1]
    assert entry.author == "Maya Ortiz"
    assert calendar.timegm(entry.published_parsed) == int(first.created_at.timestamp())
    assert not entry.get("enclosures")


def test_rss_guids_are_permalinks(client, maya):
    post = services.post_create(author=maya, text="Stems bounced")

    content = client.get("/@maya/feed.rss").content.decode()

    assert f'<guid isPermaLink="true">{permalink(post)}</guid>' in content


@pytest.mark.parametrize("kind", FORMATS)
def test_the_description_is_the_posts_html_with_links_back_to_the_site(client, maya, kind):
    UserFactory(username="theo")
    services.post_create(author=maya, text="With @theo, see https://example.com/reel #Foley")

    [entry] = read(client, f"/@maya/feed.{kind}").entries

    links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', entry.summary)
    assert links == [
        ("http://testserver/@theo/", "@theo"),
        ("https://example.com/reel", "example.com/reel"),
        ("http://testserver/tags/foley/", "#Foley"),
    ]


@pytest.mark.parametrize("kind", FORMATS)
def test_a_long_post_is_shortened_in_its_title_and_whole_in_its_description(client, maya, kind):
    text = "A very long note about the premix\nof reel four, with every stem checked twice over"
    services.post_create(author=maya, text=text)

    [entry] = read(client, f"/@maya/feed.{kind}").entries

    assert entry.title == "A very long note about the premix of reel four, with every s…"
    assert "every stem checked twice over" in entry.summary


@pytest.mark.parametrize("kind", FORMATS)
def test_markup_in_names_and_posts_reads_as_typed(client, maya, kind):
    """RSS readers take titles as HTML and Atom readers as text: either way the reader shows what
    was typed, and no markup of a person's reaches the feed as markup."""
    maya.display_name = "<b>Maya</b> & co"
    maya.save()
    services.post_create(author=maya, text="<script>alert(1)</script> & <b>bold</b>")

    response = client.get(f"/@maya/feed.{kind}")
    feed = feedparser.parse(response.content)

    assert "<script" not in response.content.decode() and "<b>" not in response.content.decode()
    [entry] = feed.entries
    if kind == ATOM:
        assert feed.feed.title == "Posts by <b>Maya</b> & co (@maya)"
        assert entry.title == "<script>alert(1)</script> & <b>bold</b>"
    else:  # HTML, which shows the same text
        assert feed.feed.title == "Posts by &lt;b&gt;Maya&lt;/b&gt; &amp; co (@maya)"
        assert entry.title.startswith("&lt;script&gt;alert(1)&lt;/script&gt; &amp;")
    assert entry.summary == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"


# --- media ---------------------------------------------------------------------------------------


def test_rss_gives_a_posts_first_picture_as_its_enclosure(client, maya):
    post = picture_post(maya, "Two angles", pictures=2)
    first = post.attachments.order_by("position").first()

    [entry] = read(client, "/@maya/feed.rss").entries

    [enclosure] = entry.enclosures
    assert enclosure.href == f"http://testserver/attachments/{first.pk}/full"
    assert enclosure.type == "image/webp"
    assert enclosure.length == str(first.size)
    served = b"".join(client.get(enclosure.href).streaming_content)
    assert len(served) == first.size
    assert Image.open(io.BytesIO(served)).size == (1200, 900)


def test_atom_gives_every_picture_as_an_enclosure(client, maya):
    post = picture_post(maya, "Two angles", pictures=2)

    [entry] = read(client, "/@maya/feed.atom").entries

    assert [(e.href, e.type, e.length) for e in entry.enclosures] == [
        (f"http://testserver/attachments/{a.pk}/full", "image/webp", str(a.size))
        for a in post.attachments.order_by("position")
    ]


@pytest.mark.parametrize("kind", FORMATS)
def test_a_post_of_media_alone_is_titled_by_what_it_holds(client, maya, kind):
    sound = services.attachment_create(
        owner=maya, upload=upload(sounds.wav_bytes(), "room.wav", "audio/wav")
    )
    services.post_create(author=maya, text="", media=[(sound.pk, "Room tone")])
    picture_post(maya, pictures=3)
    picture_post(maya, pictures=1)

    entries = read(client, f"/@maya/feed.{kind}").entries

    assert [entry.title for entry in entries] == ["A picture", "3 pictures", "A sound"]
    assert entries[2].enclosures[0].type == "audio/flac"


# --- who and what is left out --------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_only_public_posts_appear(client, maya, kind):
    mia = UserFactory(username="mia")
    follow_create(follower=mia, followee=maya)
    services.post_create(author=maya, text="Public take")
    for visibility in (Visibility.UNLISTED, Visibility.FOLLOWERS, Visibility.DIRECT):
        services.post_create(
            author=maya, text=f"Secret {visibility} for @mia #foley", visibility=visibility
        )
    removed = services.post_create(author=maya, text="Removed take #foley")
    moderation_services.post_remove(
        moderator=UserFactory(is_staff=True), post=removed, reason="spam"
    )
    # Signed in as a follower who may read them all on the site: a feed is the same for all.
    client.force_login(mia)

    for url in (f"/@maya/feed.{kind}", f"/tags/foley/feed.{kind}"):
        titles = [entry.title for entry in read(client, url).entries]
        assert all("Secret" not in title and "Removed" not in title for title in titles), url
    assert [entry.title for entry in read(client, f"/@maya/feed.{kind}").entries] == ["Public take"]


@pytest.mark.parametrize("kind", FORMATS)
def test_reposts_are_left_out(client, maya, kind):
    theos = services.post_create(author=UserFactory(username="theo"), text="Theo's #foley cue")
    services.repost_create(user=maya, post=theos)
    mine = services.post_create(author=maya, text="My own #foley cue")

    assert [e.link for e in read(client, f"/@maya/feed.{kind}").entries] == [permalink(mine)]
    tagged = [e.link for e in read(client, f"/tags/foley/feed.{kind}").entries]
    assert tagged == [permalink(mine), permalink(theos)]  # each once, by its author


@pytest.mark.parametrize("kind", FORMATS)
def test_a_suspended_persons_posts_leave_every_feed(client, maya, sound_design, kind):
    services.post_create(author=maya, text="Before the suspension #foley")
    services.post_create(author=UserFactory(industry=sound_design), text="Still here #foley")

    moderation_services.user_suspend(moderator=UserFactory(is_staff=True), user=maya, reason="spam")

    assert client.get(f"/@maya/feed.{kind}").status_code == 404
    for url in (f"/tags/foley/feed.{kind}", f"/industries/sound-design/feed.{kind}"):
        assert [entry.title for entry in read(client, url).entries] == ["Still here #foley"]


@pytest.mark.parametrize("kind", FORMATS)
def test_feeds_of_what_does_not_exist_are_404s(client, maya, kind):
    gone = UserFactory(username="gone", is_active=False)
    waiting = UserFactory(username="waiting", awaiting_approval=True)
    services.post_create(author=maya, text="#foley")

    for url in (
        f"/@nobody/feed.{kind}",
        f"/@{gone.username}/feed.{kind}",
        f"/@{waiting.username}/feed.{kind}",
        f"/industries/no-such-industry/feed.{kind}",
        f"/tags/123/feed.{kind}",  # digits alone are no hashtag, as on the tag page
        f"/tags/a%00b/feed.{kind}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/@maya/feed.{kind}").status_code == 200


@pytest.mark.parametrize("kind", FORMATS)
def test_a_tag_nobody_used_yet_is_an_empty_feed_as_its_page_is_empty(client, kind):
    assert client.get("/tags/nobodyusedthis/").status_code == 200

    feed = read(client, f"/tags/nobodyusedthis/feed.{kind}")

    assert feed.feed.title == "#nobodyusedthis" and feed.entries == []


def test_posting_is_not_allowed_on_a_feed(client, maya):
    assert client.post("/@maya/feed.rss").status_code == 405
    assert client.head("/@maya/feed.atom").status_code == 200


# --- tags and industries -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_a_tags_feed_has_its_posts_in_any_letter_case(client, maya, kind):
    services.post_create(author=maya, text="Recording #Foley")
    services.post_create(author=UserFactory(), text="More #foley")
    services.post_create(author=maya, text="Nothing tagged")

    feed = read(client, f"/tags/FOLEY/feed.{kind}")

    assert feed.feed.title == "#FOLEY"
    assert feed.feed.link == "http://testserver/tags/FOLEY/"
    assert [entry.title for entry in feed.entries] == ["More #foley", "Recording #Foley"]


@pytest.mark.parametrize("kind", FORMATS)
def test_an_industrys_feed_has_its_peoples_posts(client, maya, sound_design, kind):
    services.post_create(author=maya, text="Maya's cue")
    colleague = UserFactory(industry=sound_design)
    services.post_create(author=colleague, text="A colleague's cue")
    services.post_create(author=UserFactory(industry=IndustryFactory()), text="Elsewhere")

    feed = read(client, f"/industries/sound-design/feed.{kind}")

    assert feed.feed.title == "Sound design"
    assert feed.feed.link == "http://testserver/industries/sound-design/"
    assert [entry.title for entry in feed.entries] == ["A colleague's cue", "Maya's cue"]
    assert [entry.author for entry in feed.entries] == [colleague.name, "Maya Ortiz"]


@pytest.mark.parametrize("kind", FORMATS)
def test_a_feed_holds_the_newest_20(client, maya, kind):
    posts = [services.post_create(author=maya, text=f"Take {n}") for n in range(ITEMS + 2)]

    entries = read(client, f"/@maya/feed.{kind}").entries

    assert [entry.title for entry in entries] == [post.text for post in posts[::-1][:ITEMS]]


# --- queries -------------------------------------------------------------------------------------


# The person or the industry (a tag is not looked up), the posts, and their pictures.
FEED_QUERIES = {"/@maya/feed": 3, "/tags/foley/feed": 2, "/industries/sound-design/feed": 3}


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize("count", [1, ITEMS])
def test_a_feed_costs_the_same_queries_for_1_post_as_for_20(
    client, maya, django_assert_num_queries, kind, count
):
    for n in range(count):
        picture_post(maya, f"Take {n} #foley", size=(64, 48))

    for feed, queries in FEED_QUERIES.items():
        with django_assert_num_queries(queries):
            response = client.get(f"{feed}.{kind}")
        entries = feedparser.parse(response.content).entries
        assert len(entries) == count and all(entry.enclosures for entry in entries)


# --- the pages announce them ---------------------------------------------------------------------


def alternates(page: str) -> list[tuple[str, str]]:
    head = page.split("</head>", 1)[0]
    return re.findall(r'<link rel="alternate" type="([^"]+)" title="[^"]+" href="([^"]+)">', head)


def test_the_profile_tag_and_industry_pages_announce_their_feeds(client, maya):
    services.post_create(author=maya, text="#foley")
    for page, feed in (
        ("/@maya/", "/@maya/feed"),
        ("/tags/foley/", "/tags/foley/feed"),
        ("/industries/sound-design/", "/industries/sound-design/feed"),
    ):
        found = alternates(client.get(page).content.decode())
        assert found == [
            ("application/rss+xml", f"{feed}.rss"),
            ("application/atom+xml", f"{feed}.atom"),
        ], page
        for _, href in found:
            assert client.get(href).status_code == 200


def test_a_suspended_persons_page_announces_no_feed(client, maya):
    maya.suspended_at = timezone.now()
    maya.save()

    page = client.get("/@maya/").content.decode()

    assert "This account is suspended" in page and not alternates(page)
