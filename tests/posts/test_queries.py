"""Every list page runs the same number of queries for 1 item as for 25 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from posts import services
from tests.factories import PostFactory, UserFactory

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
PERMALINK_QUERIES = 7  # + the post, the ancestor ids (recursive), the ancestors, the replies
TAG_QUERIES = 4  # + one page of posts with all card data
NOTIFICATION_QUERIES = 5  # + one page of notifications, marking them read


@pytest.mark.parametrize("replies", [1, 25])
def test_permalink_queries_are_fixed(client_logged_in, django_assert_num_queries, replies):
    viewer = client_logged_in.user
    root = busy_post(text="root #q", viewer=viewer)
    post = busy_post(text="middle", viewer=viewer, in_reply_to=root)
    for _ in range(replies):
        busy_post(text="reply #q", viewer=viewer, in_reply_to=post, mention=viewer)

    url = f"/@{post.author.username}/{post.pk}/"
    with django_assert_num_queries(PERMALINK_QUERIES):
        client_logged_in.get(url)


@pytest.mark.parametrize("count", [1, 25])
def test_tag_page_queries_are_fixed(client_logged_in, django_assert_num_queries, count):
    viewer = client_logged_in.user
    for index in range(count):
        post = busy_post(text=f"take {index} #foley", viewer=viewer, mention=viewer)
        services.repost_create(user=UserFactory(), post=post)
        services.post_create(author=UserFactory(), text="reply #foley", in_reply_to=post)

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
