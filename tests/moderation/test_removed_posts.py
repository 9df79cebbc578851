"""A removed post disappears for everyone except its author, who sees it marked, and staff."""

import pytest

from moderation.services import post_remove
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTICE = "Removed by moderators."


@pytest.fixture
def removed():
    maya = UserFactory(username="maya")
    moderator = UserFactory(username="mod", is_staff=True)
    post = PostFactory(author=maya, text="Selling cheap plugins, DM me")
    post_remove(moderator=moderator, post=post, reason="Spam")
    return post


def test_the_author_sees_their_removed_post_marked_on_their_profile_and_permalink(client, removed):
    client.force_login(removed.author)

    profile = client.get("/@maya/").content.decode()
    permalink = client.get(f"/@maya/{removed.pk}/")

    assert "Selling cheap plugins" in profile and f"{NOTICE} Only you can see it." in profile
    assert permalink.status_code == 200
    assert f"{NOTICE} Only you can see it." in permalink.content.decode()


def test_other_people_and_visitors_do_not_see_it_at_all(client, removed):
    assert "Selling cheap plugins" not in client.get("/@maya/").content.decode()
    assert client.get(f"/@maya/{removed.pk}/").status_code == 404

    client.force_login(UserFactory(username="jonas"))

    assert "Selling cheap plugins" not in client.get("/@maya/").content.decode()
    assert client.get(f"/@maya/{removed.pk}/").status_code == 404


def test_staff_see_it_marked(client, removed):
    client.force_login(UserFactory(username="other_mod", is_staff=True))

    permalink = client.get(f"/@maya/{removed.pk}/").content.decode()

    assert "Selling cheap plugins" in permalink
    assert f"{NOTICE} Only staff can see it." in permalink


def test_the_profile_post_count_leaves_removed_posts_out(client, removed):
    PostFactory(author=removed.author, text="A real update")

    content = client.get("/@maya/").content.decode()

    assert "<strong>1</strong> post" in content
