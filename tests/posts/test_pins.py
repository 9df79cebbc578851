"""Pinned posts: up to 3 of your own posts at the top of your profile, newest pin first, from
the card's menu, with and without JavaScript; nobody else can pin them, and a fourth is refused
with a message."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from posts import services
from posts.models import Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_three_pins_then_a_message_and_unpinning_makes_room():
    maya = UserFactory()
    posts = PostFactory.create_batch(4, author=maya)
    for post in posts[:3]:
        services.post_pin(user=maya, post=post)
    services.post_pin(user=maya, post=posts[0])  # again: nothing changes

    with pytest.raises(ValidationError, match="up to 3 posts"):
        services.post_pin(user=maya, post=posts[3])
    services.post_pin(user=maya, post=posts[1], pinned=False)
    services.post_pin(user=maya, post=posts[3])

    assert set(Post.objects.filter(pinned_at__isnull=False)) == {posts[0], posts[2], posts[3]}


def test_only_the_author_pins_and_never_a_repost():
    maya, theo = UserFactory(), UserFactory()
    post = PostFactory(author=maya)
    repost = services.repost_create(user=theo, post=post)

    with pytest.raises(PermissionDenied):
        services.post_pin(user=theo, post=post)
    with pytest.raises(ValidationError, match="Reposts can't be pinned"):
        services.post_pin(user=theo, post=repost)


def test_the_profile_shows_pins_first_newest_pin_first(client):
    maya = UserFactory(username="maya")
    texts = ("Old credit", "New reel", "Unpinned note")
    old, new, plain = (PostFactory(author=maya, text=text) for text in texts)
    services.post_pin(user=maya, post=new)
    services.post_pin(user=maya, post=old)

    page = client.get("/@maya/").content.decode()
    pinned = page[
        page.index('id="profile-pinned-heading"') : page.index('id="profile-posts-heading"')
    ]

    assert pinned.index("Old credit") < pinned.index("New reel")
    assert pinned.count(">Pinned</p>") == 2
    # A text no CSRF token or id can hold by chance (a token once held "Hi").
    assert "Unpinned note" not in pinned
    assert "Unpinned note" in page
    assert page.count("New reel") == 2  # pinned, and in its place among the posts


def test_the_card_menu_pins_with_htmx_and_without(client):
    maya = UserFactory(username="maya")
    post = PostFactory(author=maya, text="Showreel 2026")
    client.force_login(maya)

    card = client.post(f"/posts/{post.pk}/pin/", {"state": "on"}, **HTMX).content.decode()
    assert "Unpin from profile" in card

    asked = client.get(f"/posts/{post.pk}/pin/").content.decode()
    assert "Unpin this post from your profile?" in asked
    plain = client.post(f"/posts/{post.pk}/pin/", {"state": "off", "next": "/@maya/"})
    assert plain.status_code == 302 and plain["Location"] == "/@maya/"
    post.refresh_from_db()
    assert post.pinned_at is None


def test_a_fourth_pin_is_refused_with_a_message_in_place(client):
    maya = UserFactory(username="maya")
    posts = PostFactory.create_batch(4, author=maya)
    client.force_login(maya)
    for post in posts[:3]:
        client.post(f"/posts/{post.pk}/pin/", {"state": "on"})

    response = client.post(f"/posts/{posts[3].pk}/pin/", {"state": "on"}, **HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#flash"
    assert "You can pin up to 3 posts. Unpin one first." in response.content.decode()


def test_nobody_pins_someone_elses_post_through_the_url(client):
    post = PostFactory(author=UserFactory())
    client.force_login(UserFactory())

    assert client.post(f"/posts/{post.pk}/pin/", {"state": "on"}).status_code == 404
    assert client.get(f"/posts/{post.pk}/pin/").status_code == 404
    post.refresh_from_db()
    assert post.pinned_at is None


@pytest.mark.parametrize("pins", [1, 3])
def test_pins_cost_one_query_and_none_without_them(client, django_assert_num_queries, pins):
    maya = UserFactory(username="maya")
    for post in PostFactory.create_batch(pins, author=maya):
        services.post_pin(user=maya, post=post)

    # the person (and whether they pinned), pins, the page's post ids, their cards
    with django_assert_num_queries(4):
        client.get("/@maya/")
