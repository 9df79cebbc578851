import pytest
from django.db import IntegrityError, transaction

from follows.models import Follow, TimelineEntry
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_pair_can_follow_only_once():
    maya, jonas = UserFactory(), UserFactory()
    Follow.objects.create(follower=maya, followee=jonas)

    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=maya, followee=jonas)

    assert Follow.objects.count() == 1


def test_nobody_follows_themselves_even_bypassing_the_service():
    maya = UserFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=maya, followee=maya)

    assert not Follow.objects.exists()


def test_a_post_appears_once_per_timeline():
    maya = UserFactory()
    post = PostFactory()
    TimelineEntry.objects.create(owner=maya, post=post)

    with pytest.raises(IntegrityError), transaction.atomic():
        TimelineEntry.objects.create(owner=maya, post=post)


def test_deleting_a_post_removes_it_from_timelines():
    maya = UserFactory()
    post = PostFactory()
    TimelineEntry.objects.create(owner=maya, post=post)

    post.delete()

    assert not TimelineEntry.objects.exists()


def test_deleting_a_person_removes_their_timeline():
    maya = UserFactory()
    TimelineEntry.objects.create(owner=maya, post=PostFactory())

    maya.delete()

    assert not TimelineEntry.objects.exists()


def test_an_entry_whose_post_is_gone_is_skipped(client):
    """Entries have no database constraint (see TimelineEntry): one left behind by a race,
    naming a post that no longer exists, shows nothing and breaks nothing."""
    maya = UserFactory()
    shown = PostFactory()
    TimelineEntry.objects.create(owner=maya, post=shown)
    TimelineEntry.objects.create(owner=maya, post_id=shown.id + 1000)  # no such post
    client.force_login(maya)

    page = client.get("/").content.decode()

    assert page.count('class="post-card') == 1 and f'id="post-{shown.id}"' in page
