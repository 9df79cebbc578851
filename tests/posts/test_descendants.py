"""A thread's replies at every depth (posts.selectors.post_descendants), as the client API's
context gives them: depth first, what the viewer may read, in a fixed number of queries."""

import pytest

from accounts.models import Visibility
from accounts.services import block_create
from posts import selectors, services
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def reply(to, text="Reply", author=None):
    return services.post_create(author=author or UserFactory(), text=text, in_reply_to=to)


def test_replies_come_depth_first_oldest_first_at_each_level():
    root = PostFactory()
    a = reply(root)
    b = reply(root)
    a1 = reply(a)
    b1 = reply(b)
    a2 = reply(a)
    a1x = reply(a1)

    found = selectors.post_descendants(post=root, viewer=None)

    assert found == [a, a1, a1x, a2, b, b1]
    assert selectors.post_descendants(post=a1x, viewer=None) == []


def test_only_what_the_viewer_may_read_and_has_not_hidden(django_assert_num_queries):
    viewer, root = UserFactory(), PostFactory()
    shown = reply(root)
    PostFactory(in_reply_to=root, visibility=Visibility.FOLLOWERS)
    blocked = UserFactory()
    reply(root, author=blocked)
    block_create(blocker=viewer, blocked=blocked)

    with django_assert_num_queries(2):
        assert selectors.post_descendants(post=root, viewer=viewer) == [shown]


def test_the_earliest_replies_up_to_the_limit():
    root = PostFactory()
    replies = [reply(root) for _ in range(3)]
    assert selectors.post_descendants(post=root, viewer=None, limit=2) == replies[:2]
