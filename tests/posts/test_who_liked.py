"""Who liked and reposted a post, and a person's likes (posts.selectors), and describing a draft
(posts.services.attachment_describe): the reads and the write the client API's lists and
media use."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Visibility
from accounts.services import block_create, mute_create
from moderation import services as moderation
from posts import selectors, services
from posts.models import Attachment, Post
from tests.accounts.images import image_upload
from tests.factories import LikeFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_who_liked_leaves_out_hidden_and_suspended_people():
    viewer, post = UserFactory(), PostFactory()
    shown, blocked, muted, suspended = (LikeFactory(post=post) for _ in range(4))
    block_create(blocker=viewer, blocked=blocked.user)
    mute_create(muter=viewer, muted=muted.user)
    moderation.user_suspend(moderator=UserFactory(is_staff=True), user=suspended.user, reason="x")

    assert list(selectors.post_likes(post=post, viewer=viewer)) == [shown]
    assert len(selectors.post_likes(post=post, viewer=None)) == 3  # a visitor hides nobody


def test_who_reposted_leaves_out_hidden_people():
    viewer, post = UserFactory(), PostFactory()
    reposts = [services.repost_create(user=UserFactory(), post=post) for _ in range(2)]
    block_create(blocker=reposts[1].author, blocked=viewer)

    assert list(selectors.post_reposts(post=post, viewer=viewer)) == [reposts[0]]


def test_ones_likes_are_of_posts_one_may_still_read():
    me = UserFactory()
    kept, hidden, removed = PostFactory(), PostFactory(), PostFactory()
    for post in (kept, hidden, removed):
        services.like_create(user=me, post=post)
    Post.objects.filter(pk=hidden.pk).update(visibility=Visibility.FOLLOWERS)
    Post.objects.filter(pk=removed.pk).update(removed_at=timezone.now())

    assert [like.post_id for like in selectors.likes_of(user=me)] == [kept.pk]


def test_a_draft_is_described_by_its_owner_only_while_a_draft():
    owner = UserFactory()
    draft = services.attachment_create(owner=owner, upload=image_upload())

    services.attachment_describe(owner=owner, attachment_id=draft.pk, description="The booth")

    assert Attachment.objects.get(pk=draft.pk).description == "The booth"
    with pytest.raises(Attachment.DoesNotExist):
        services.attachment_describe(owner=UserFactory(), attachment_id=draft.pk, description="x")
    with pytest.raises(ValidationError, match="control characters"):
        services.attachment_describe(owner=owner, attachment_id=draft.pk, description="a\x00b")
    services.post_create(author=owner, text="Posted", media=[(draft.pk, "The booth")])
    with pytest.raises(Attachment.DoesNotExist):
        services.attachment_describe(owner=owner, attachment_id=draft.pk, description="Later")


def test_a_description_with_control_characters_is_refused_when_posting():
    owner = UserFactory()
    draft = services.attachment_create(owner=owner, upload=image_upload())

    with pytest.raises(ValidationError) as refused:
        services.post_create(author=owner, text="Hi", media=[(draft.pk, "nul\x00")])

    assert refused.value.message_dict == {
        "media": ["Remove the invisible control characters from the description."]
    }


def test_a_deleted_posts_media_can_stay_as_drafts_for_a_redraft():
    owner = UserFactory()
    draft = services.attachment_create(owner=owner, upload=image_upload())
    post = services.post_create(author=owner, text="Take one", media=[(draft.pk, "Desk")])
    Attachment.objects.filter(pk=draft.pk).update(created_at=timezone.now() - timedelta(days=3))

    services.post_delete(post=post, user=owner, media_kept=True)

    kept = Attachment.objects.get(pk=draft.pk)
    assert kept.post_id is None
    assert kept.created_at > timezone.now() - timedelta(minutes=1)  # a day from now on
    assert kept.description == "Desk"
