import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from posts import services
from posts.models import Hashtag, Like, Notification, Post
from posts.signals import post_created
from tests.factories import LikeFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_posts():
    """Posts announced through post_created, as the follows app receives them."""
    received = []

    def receiver(sender, post, **kwargs):
        received.append(post)

    post_created.connect(receiver)
    yield received
    post_created.disconnect(receiver)


def test_post_create_stores_normalised_text_and_announces_it(user, sent_posts):
    post = services.post_create(author=user, text="  cafe\u0301 time\r\nnow  ")

    assert Post.objects.count() == 1
    assert post.text == "caf\u00e9 time\nnow"
    assert sent_posts == [post]


def test_post_create_refuses_empty_and_too_long_text_with_a_message(user, sent_posts):
    with pytest.raises(ValidationError) as empty:
        services.post_create(author=user, text=" \n\t ")
    with pytest.raises(ValidationError) as long:
        services.post_create(author=user, text="x" * 141)

    assert empty.value.message_dict == {"text": ["Write something first."]}
    assert long.value.message_dict == {
        "text": ["Posts can be at most 140 characters; this one has 141."]
    }
    assert Post.objects.count() == 0
    assert sent_posts == []


def test_long_urls_count_23(user):
    text = "a" * 116 + " https://example.com/" + "p" * 300

    post = services.post_create(author=user, text=text)

    assert post.text == text


def test_same_client_token_twice_makes_one_post(user, sent_posts):
    token = uuid.uuid4()

    first = services.post_create(author=user, text="Once", client_token=token)
    second = services.post_create(author=user, text="Once", client_token=token)

    assert first == second
    assert Post.objects.count() == 1
    assert len(sent_posts) == 1


def test_suspended_people_cannot_post():
    suspended = UserFactory(suspended_at=timezone.now())

    with pytest.raises(PermissionDenied):
        services.post_create(author=suspended, text="Hello")
    assert Post.objects.count() == 0


def test_mentions_and_hashtags_are_stored_at_write_time(user):
    maya = UserFactory(username="maya")
    UserFactory(username="gone", is_active=False)

    post = services.post_create(author=user, text="@MAYA @gone @nobody #Foley #foley #Звук")

    assert list(post.mentions.all()) == [maya]
    assert post.mentioned_usernames == ["maya"]
    assert sorted(post.hashtags.values_list("name", flat=True)) == ["foley", "звук"]
    assert Hashtag.objects.count() == 2


def test_mentioned_people_are_notified_once_and_never_yourself(user):
    maya = UserFactory(username="maya")

    post = services.post_create(author=user, text=f"@maya @maya @{user.username} hi")

    notes = list(Notification.objects.all())
    assert [(n.recipient, n.actor, n.kind, n.post) for n in notes] == [
        (maya, user, "mention", post)
    ]


def test_reply_notifies_the_author_once_even_when_mentioned(user):
    maya = UserFactory(username="maya")
    original = services.post_create(author=maya, text="Who has a good reverb?")

    reply = services.post_create(author=user, text="@maya try a plate", in_reply_to=original)

    assert reply.in_reply_to == original
    assert list(Notification.objects.values_list("recipient", "kind")) == [(maya.pk, "reply")]


def test_replying_to_your_own_post_notifies_nobody(user):
    original = services.post_create(author=user, text="Thread 1/2")

    services.post_create(author=user, text="Thread 2/2", in_reply_to=original)

    assert Notification.objects.count() == 0


def test_cannot_reply_to_a_removed_post(user):
    removed = PostFactory(removed_at=timezone.now())

    with pytest.raises(ValidationError):
        services.post_create(author=user, text="Hello?", in_reply_to=removed)


def test_author_deletes_own_post(user):
    post = PostFactory(author=user)

    services.post_delete(post=post, user=user)

    assert not Post.objects.filter(pk=post.pk).exists()


def test_others_cannot_delete_a_post(user):
    post = PostFactory()

    with pytest.raises(PermissionDenied):
        services.post_delete(post=post, user=user)
    assert Post.objects.filter(pk=post.pk).exists()


def test_like_once_notifies_author_and_unlike_withdraws(user):
    post = PostFactory()

    services.like_create(user=user, post=post)
    services.like_create(user=user, post=post)

    assert Like.objects.filter(user=user, post=post).count() == 1
    assert Notification.objects.filter(kind="like", recipient=post.author).count() == 1

    services.like_delete(user=user, post=post)

    assert Like.objects.count() == 0
    assert Notification.objects.count() == 0


def test_liking_a_repost_likes_the_original(user):
    original = PostFactory()
    repost = services.repost_create(user=UserFactory(), post=original)

    services.like_create(user=user, post=repost)

    assert Like.objects.get().post == original


def test_database_allows_one_like_per_person_per_post(user):
    like = LikeFactory(user=user)

    with pytest.raises(IntegrityError):
        Like.objects.create(user=user, post=like.post)


def test_repost_creates_a_textless_post_once_and_announces_it(user, sent_posts):
    original = PostFactory()

    repost = services.repost_create(user=user, post=original)
    again = services.repost_create(user=user, post=original)

    assert repost == again
    assert repost.repost_of == original and repost.text == ""
    assert sent_posts == [repost]
    assert Notification.objects.get().kind == "repost"


def test_unrepost_deletes_the_repost_post(user):
    original = PostFactory()
    services.repost_create(user=user, post=original)

    services.repost_delete(user=user, post=original)

    assert list(Post.objects.all()) == [original]
    assert Notification.objects.count() == 0


def test_database_allows_one_repost_per_person(user):
    original = PostFactory()
    Post.objects.create(author=user, repost_of=original)

    with pytest.raises(IntegrityError):
        Post.objects.create(author=user, repost_of=original)


def test_database_refuses_a_post_without_text():
    with pytest.raises(IntegrityError):
        Post.objects.create(author=UserFactory(), text="")


def test_database_refuses_a_repost_with_text():
    with pytest.raises(IntegrityError):
        Post.objects.create(author=UserFactory(), text="hi", repost_of=PostFactory())


def test_notification_create_skips_yourself_and_records_follows(user):
    other = UserFactory()

    assert services.notification_create(recipient=user, actor=user, kind="follow") is None
    note = services.notification_create(recipient=other, actor=user, kind="follow")

    assert note.kind == "follow" and note.post is None
    services.notification_withdraw(recipient=other, actor=user, kind="follow")
    assert Notification.objects.count() == 0


def test_mark_read(user):
    first = services.notification_create(recipient=user, actor=UserFactory(), kind="follow")
    second = services.notification_create(recipient=user, actor=UserFactory(), kind="follow")

    services.notifications_mark_read(user=user, up_to_id=first.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_control_characters_are_refused_not_silently_dropped(user):
    with pytest.raises(ValidationError) as error:
        services.post_create(author=user, text="ring the bell\x07 now")

    assert error.value.message_dict == {
        "text": ["Remove the invisible control characters from your post."]
    }


def test_a_link_too_long_to_store_is_refused(user):
    with pytest.raises(ValidationError) as error:
        services.post_create(author=user, text="https://example.com/" + "a" * 1990)

    assert error.value.message_dict == {
        "text": [
            "Posts can be at most 2000 characters long counting links in full; this one has 2010."
        ]
    }


def test_database_refuses_text_longer_than_the_stored_limit():
    with pytest.raises(IntegrityError):
        Post.objects.create(author=UserFactory(), text="a" * 2001)


def test_a_tag_that_grows_when_case_folded_is_stored_and_has_its_page(user, client):
    """#STRASSE and #straße are one tag; case-folding a 139-letter tag of ß makes 278 letters,
    which must fit where tags are stored (PostgreSQL checks the length) and in its URL."""
    tag = "ß" * 139
    post = services.post_create(author=user, text=f"#{tag}")

    assert list(post.hashtags.values_list("name", flat=True)) == ["s" * 278]
    page = client.get(f"/tags/{tag}/")
    assert page.status_code == 200
    assert f'id="post-{post.pk}"' in page.content.decode()
