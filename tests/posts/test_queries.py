"""Every list page runs the same number of queries for 1 item as for 25 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import block_create
from posts import services
from posts.models import Notification, Post
from tests.factories import PostFactory, UserFactory
from tests.plans import plan
from tests.queue import DATABASE_QUEUE

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def busy_post(*, text, viewer, in_reply_to=None, mention=None):
    """A post that someone mentions, likes and reposts, so every part of its card has data."""
    author = UserFactory()
    if mention:
        text = f"{text} @{mention.username}"
    post = services.post_create(author=author, text=text, in_reply_to=in_reply_to)
    services.like_create(user=viewer, post=post)
    services.repost_create(user=UserFactory(), post=post)
    return post


# The pinned figures (signed in): session + user (2), the nav's unread count (1), and the page's.
# A page of cards as rows (posts.cards.card_rows) reads the posts of the cards not kept yet in
# one more query; the tests pin both, the first time and once every card is kept.
# + the post, the ancestor ids (recursive), the ancestors and the replies as rows (kept)
PERMALINK_QUERIES = 7
TAG_QUERIES = 5  # + one page of post ids, then their cards as rows (kept)
NOTIFICATION_QUERIES = 5  # + one page of notifications, marking them read
POST_QUERIES = 24  # a reply with mentions and hashtags: see the test below


@pytest.mark.parametrize("replies", [1, 25])
def test_permalink_queries_are_fixed(client_logged_in, django_assert_num_queries, replies):
    viewer = client_logged_in.user
    root = busy_post(text="root #q", viewer=viewer)
    post = busy_post(text="middle", viewer=viewer, in_reply_to=root)
    for _ in range(replies):
        busy_post(text="reply #q", viewer=viewer, in_reply_to=post, mention=viewer)

    url = f"/@{post.author.username}/{post.pk}/"
    # The first time, the posts of the ancestors' and of the replies' cards, not kept yet
    with django_assert_num_queries(PERMALINK_QUERIES + 2):
        first = client_logged_in.get(url).content.decode()
    with django_assert_num_queries(PERMALINK_QUERIES):
        again = client_logged_in.get(url).content.decode()
    assert again.count('class="post-card') == first.count('class="post-card') == replies + 2


@pytest.mark.parametrize("count", [1, 25])
def test_tag_page_queries_are_fixed(client_logged_in, django_assert_num_queries, count):
    viewer = client_logged_in.user
    for index in range(count):
        post = busy_post(text=f"take {index} #foley", viewer=viewer, mention=viewer)
        services.repost_create(user=UserFactory(), post=post)
        services.post_create(author=UserFactory(), text="reply #foley", in_reply_to=post)

    with django_assert_num_queries(TAG_QUERIES + 1):
        client_logged_in.get("/tags/foley/")
    with django_assert_num_queries(TAG_QUERIES):
        client_logged_in.get("/tags/foley/")


@pytest.mark.parametrize("count", [1, 25])
def test_notifications_page_queries_are_fixed(client_logged_in, django_assert_num_queries, count):
    me = client_logged_in.user
    mine = PostFactory(author=me)
    for _ in range(count):
        other = UserFactory()
        services.like_create(user=other, post=mine)
        services.notification_create(recipient=me, actor=other, kind="follow")
        services.post_create(author=other, text=f"hey @{me.username}")

    with django_assert_num_queries(NOTIFICATION_QUERIES):
        client_logged_in.get("/notifications/")


def test_anonymous_permalink_and_tag_pages_work(client, db):
    post = services.post_create(author=UserFactory(), text="open #door")

    assert queries_for(client, f"/@{post.author.username}/{post.pk}/") > 0
    assert queries_for(client, "/tags/door/") > 0


def test_every_kind_of_card_renders_from_the_one_card_query(
    client_logged_in, django_assert_num_queries
):
    """The card query loads only the columns a card shows (`CARD_FIELDS`): a card reading any
    other column would cost a query per card. Here every part of a card has data: an author with
    an industry and an uploaded avatar, a reply, a repost, a repost of a reply, likes, a mention."""
    from accounts import avatars
    from follows.services import follow_create
    from tests.accounts.images import image_upload
    from tests.factories import IndustryFactory

    me = client_logged_in.user
    large, small = avatars.avatar_images(image_upload("PNG"))
    avatar, thumbnail = avatars.avatar_files_save(avatar=large, thumbnail=small)
    sound = IndustryFactory(name="Sound design", slug="sound-design")
    ana = UserFactory(
        display_name="Ana Ruiz", industry=sound, avatar=avatar, avatar_thumbnail=thumbnail
    )
    ben = UserFactory(industry=sound)
    follow_create(follower=me, followee=ana)
    original = busy_post(text="mixing tonight #stems", viewer=me, mention=ana)
    reply = services.post_create(author=ben, text="count me in", in_reply_to=original)
    services.post_create(author=ana, text=f"@{ben.username} great", in_reply_to=reply)
    services.repost_create(user=ana, post=reply)
    services.repost_create(user=ana, post=original)
    services.like_create(user=me, post=reply)

    # session, user, unread badge, timeline ids, cards as rows, the posts of those not kept
    with django_assert_num_queries(6):
        page = client_logged_in.get("/").content.decode()

    assert page.count('class="post-card') == 3
    assert page.count("Ana Ruiz</a> reposted") == 2
    assert f'Replying to <a href="/@{ben.username}/{reply.pk}/">@{ben.username}</a>' in page
    assert "Sound design</span>" in page
    assert f'src="{ana.avatar_thumbnail.url}"' in page
    assert 'aria-pressed="true">Like <span class="count">1</span>' in page

    # session, user, the person, their post ids, their cards, unread badge
    with django_assert_num_queries(6):
        profile = client_logged_in.get(f"/@{ana.username}/").content.decode()
    assert profile.count('class="post-card') == 3


@pytest.mark.parametrize("count", [1, 12])
def test_pictures_cost_one_query_for_the_whole_page(
    client_logged_in, django_assert_num_queries, count
):
    """A page with pictures (on posts and on reposted originals) reads them in one more query,
    however many; a page without any reads none (the test above)."""
    from follows.services import follow_create
    from tests.accounts.images import image_upload

    me = client_logged_in.user
    ana, ben = UserFactory(), UserFactory()
    follow_create(follower=me, followee=ana)
    for index in range(count):
        drafts = [services.attachment_create(owner=ben, upload=image_upload()) for _ in range(2)]
        post = services.post_create(
            author=ben, text=f"take {index}", media=[(d.pk, f"alt {index}") for d in drafts]
        )
        services.repost_create(user=ana, post=post)
        mine = services.attachment_create(owner=ana, upload=image_upload())
        services.post_create(author=ana, text="", media=[(mine.pk, "")])

    # session, user, unread badge, ids, cards as rows, pictures, the posts of cards not kept
    with django_assert_num_queries(7):
        page = client_logged_in.get("/").content.decode()
    with django_assert_num_queries(6):
        assert client_logged_in.get("/").content.decode().count('class="post-picture"') == (
            page.count('class="post-picture"')
        )

    assert page.count('class="post-picture"') == 3 * min(count, 10)  # the first page of 20
    assert f'alt="alt {count - 1}"' in page  # the newest reposted picture, described


@pytest.mark.parametrize("mentions", [1, 10])
def test_posting_costs_the_same_queries_whatever_the_mentions_and_hashtags(
    client_logged_in, django_assert_num_queries, mentions, settings
):
    """Mentions and hashtags are stored and notified in bulk: one reply that mentions ten
    people costs what a reply mentioning one does."""
    # As production runs: the followers' timelines are written by a queued task.
    settings.TASKS = DATABASE_QUEUE
    me = client_logged_in.user
    original = services.post_create(author=UserFactory(), text="who has a spare ribbon mic?")
    people = [UserFactory(username=f"p{n}") for n in range(mentions)]
    blocked = people[-1]
    block_create(blocker=blocked, blocked=me)
    text = " ".join(f"@{person.username}" for person in people) + " #mics #ribbon"
    services.post_create(author=me, text="warm up #mics")  # the hashtag exists already

    # session, user; the rate limit (one upsert); the replied-to post, blocks between the two,
    # the people mentioned; the post, the reply count, the author's post count, mentions,
    # hashtags and their links; the notifications' block check and insert; the author's
    # timeline row, its trim and the queued fan-out; the new card; and the savepoints around them
    with django_assert_num_queries(POST_QUERIES):
        response = client_logged_in.post(
            "/compose/", {"text": text, "in_reply_to": original.pk}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    notified = Notification.objects.filter(actor=me, kind="mention").values_list(
        "recipient__username", flat=True
    )
    assert sorted(notified) == sorted(p.username for p in people if p != blocked)
    assert Notification.objects.get(actor=me, kind="reply").recipient == original.author


def test_the_viewers_reposts_are_read_from_the_repost_index(db):
    """Whether the viewer reposted each card is read from the partial index of reposts, not by
    reading every post the viewer wrote (6 ms a page for someone with 40,000 posts)."""
    from django.db.models import Q

    viewer = UserFactory()
    post = services.post_create(author=UserFactory(), text="a post to repost")
    services.repost_create(user=viewer, post=post)

    query_plan = plan(Post.objects.with_card_data(viewer).filter(Q(pk=post.pk) | Q(author=viewer)))
    assert "posts_post_one_repost_per_person" in query_plan
