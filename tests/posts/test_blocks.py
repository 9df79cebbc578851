"""What blocks and mutes do to replies, mentions, notifications, tag pages and permalinks."""

import pytest
from django.core.exceptions import ValidationError

from accounts.services import block_create, mute_create
from posts import selectors, services
from posts.models import Notification, Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def me(client_logged_in):
    return client_logged_in.user


@pytest.fixture
def troll():
    return UserFactory(username="troll", display_name="Troll")


def test_a_blocked_person_cannot_reply_to_me(me, troll):
    mine = PostFactory(author=me)
    block_create(blocker=me, blocked=troll)

    with pytest.raises(ValidationError) as error:
        services.post_create(author=troll, text="nasty", in_reply_to=mine)

    assert error.value.messages == [f"You can't reply to @{me.username}: they have blocked you."]
    assert not Post.objects.filter(author=troll).exists()


def test_i_cannot_reply_to_someone_i_block(me, troll):
    theirs = PostFactory(author=troll)
    block_create(blocker=me, blocked=troll)

    with pytest.raises(ValidationError) as error:
        services.post_create(author=me, text="hm", in_reply_to=theirs)

    assert error.value.messages == ["You block @troll: unblock them to reply to them."]


def test_the_compose_form_shows_why_a_reply_is_refused(client, me, troll):
    mine = PostFactory(author=me)
    block_create(blocker=me, blocked=troll)
    client.force_login(troll)

    response = client.post("/compose/", {"text": "nasty", "in_reply_to": mine.pk}, headers=HTMX)

    assert response.status_code == 422
    assert "they have blocked you" in response.content.decode()
    assert "nasty" in response.content.decode()  # nothing typed is lost


def test_a_muted_person_can_still_reply_and_notify(me, troll):
    mine = PostFactory(author=me)
    mute_create(muter=me, muted=troll)

    services.post_create(author=troll, text="fine", in_reply_to=mine)

    assert Notification.objects.filter(recipient=me, actor=troll, kind="reply").exists()


def test_mentions_likes_and_reposts_by_blocked_people_do_not_notify_me(me, troll):
    mine = PostFactory(author=me)
    block_create(blocker=me, blocked=troll)

    services.post_create(author=troll, text=f"hey @{me.username}")
    services.like_create(user=troll, post=mine)
    services.repost_create(user=troll, post=mine)

    assert not Notification.objects.filter(recipient=me).exists()


def test_earlier_notifications_from_a_blocked_person_are_hidden(client_logged_in, me, troll):
    mine = PostFactory(author=me)
    services.like_create(user=troll, post=mine)
    friend = UserFactory(display_name="Friendly Fran")
    services.like_create(user=friend, post=mine)
    assert services.Notification.objects.filter(recipient=me).count() == 2

    block_create(blocker=me, blocked=troll)

    assert selectors.notifications_unread_count(user=me) == 1
    content = client_logged_in.get("/notifications/").content.decode()
    assert "Friendly Fran" in content
    assert "Troll" not in content


def test_tag_pages_leave_out_blocked_and_muted_people(client_logged_in, me, troll):
    loud = UserFactory(display_name="Loud Lou")
    services.post_create(author=troll, text="troll take #foley")
    services.post_create(author=loud, text="loud take #foley")
    services.post_create(author=UserFactory(), text="good take #foley")
    block_create(blocker=me, blocked=troll)
    mute_create(muter=me, muted=loud)

    content = client_logged_in.get("/tags/foley/").content.decode()

    assert "good take" in content
    assert "troll take" not in content
    assert "loud take" not in content


def test_permalink_replies_leave_out_blocked_people(client_logged_in, me, troll):
    author = UserFactory()
    post = services.post_create(author=author, text="What reverb do you use?")
    services.post_create(author=troll, text="troll reply", in_reply_to=post)
    services.post_create(author=UserFactory(), text="helpful reply", in_reply_to=post)
    block_create(blocker=me, blocked=troll)

    content = client_logged_in.get(f"/@{author.username}/{post.pk}/").content.decode()

    assert "helpful reply" in content
    assert "troll reply" not in content


def test_permalink_queries_stay_fixed_with_blocks(
    client_logged_in, me, troll, django_assert_num_queries
):
    author = UserFactory()
    post = services.post_create(author=author, text="root")
    for n in range(5):
        services.post_create(author=UserFactory(), text=f"reply {n}", in_reply_to=post)
    block_create(blocker=me, blocked=troll)

    # session, user, unread badge, the post, ancestor ids, (no ancestors), replies as rows, and
    # the posts of the replies' cards not kept yet; once kept, not that
    with django_assert_num_queries(7):
        client_logged_in.get(f"/@{author.username}/{post.pk}/")
    with django_assert_num_queries(6):
        client_logged_in.get(f"/@{author.username}/{post.pk}/")
