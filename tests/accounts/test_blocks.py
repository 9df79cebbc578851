"""Blocks and mutes: the models' rules and the services' before/after."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import Block, Mute, User, hidden_from
from core.ratelimit import RateLimited
from follows.models import Follow, TimelineEntry
from follows.services import follow_create
from posts.models import Notification
from tests.factories import UserFactory, post_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana():
    return UserFactory(username="ana")


@pytest.fixture
def ben():
    return UserFactory(username="ben")


def test_the_database_refuses_a_second_block_of_the_same_person(ana, ben):
    Block.objects.create(blocker=ana, blocked=ben)

    with pytest.raises(IntegrityError), transaction.atomic():
        Block.objects.create(blocker=ana, blocked=ben)


def test_the_database_refuses_blocking_or_muting_yourself(ana):
    with pytest.raises(IntegrityError), transaction.atomic():
        Block.objects.create(blocker=ana, blocked=ana)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mute.objects.create(muter=ana, muted=ana)


def test_the_database_refuses_a_second_mute_of_the_same_person(ana, ben):
    Mute.objects.create(muter=ana, muted=ben)

    with pytest.raises(IntegrityError), transaction.atomic():
        Mute.objects.create(muter=ana, muted=ben)


def test_hidden_people_are_those_i_block_who_block_me_and_with_mutes_those_i_mute(ana, ben):
    cleo, dora, emil = UserFactory(), UserFactory(), UserFactory()
    Block.objects.create(blocker=ana, blocked=ben)
    Block.objects.create(blocker=cleo, blocked=ana)
    Block.objects.create(blocker=cleo, blocked=dora)  # not about ana
    Mute.objects.create(muter=ana, muted=emil)

    def hidden(**options):
        return set(User.objects.filter(hidden_from(ana, **options)))

    assert hidden(mutes=False) == {ben, cleo}
    assert hidden() == {ben, cleo, emil}


def test_block_create_blocks_once(ana, ben):
    assert not Block.objects.exists()

    first = services.block_create(blocker=ana, blocked=ben)
    again = services.block_create(blocker=ana, blocked=ben)

    assert first == again
    assert Block.objects.filter(blocker=ana, blocked=ben).count() == 1
    assert not Block.objects.filter(blocker=ben, blocked=ana).exists()


def test_block_create_refuses_yourself(ana):
    with pytest.raises(ValidationError) as error:
        services.block_create(blocker=ana, blocked=ana)

    assert error.value.messages == ["You can't block yourself."]
    assert not Block.objects.exists()


def test_blocking_removes_follows_both_ways_and_timeline_rows(ana, ben):
    follow_create(follower=ana, followee=ben)
    follow_create(follower=ben, followee=ana)
    bens_post = post_published(ben, text="ben's mix")
    anas_post = post_published(ana, text="ana's mix")
    assert TimelineEntry.objects.filter(owner=ana, post=bens_post).exists()
    assert TimelineEntry.objects.filter(owner=ben, post=anas_post).exists()
    assert Notification.objects.filter(kind="follow").count() == 2

    services.block_create(blocker=ana, blocked=ben)

    assert not Follow.objects.exists()
    assert not TimelineEntry.objects.filter(owner=ana, post=bens_post).exists()
    assert not TimelineEntry.objects.filter(owner=ben, post=anas_post).exists()
    assert TimelineEntry.objects.filter(owner=ana, post=anas_post).exists()  # own posts stay
    assert not Notification.objects.filter(kind="follow").exists()  # unread ones withdrawn


def test_blocking_removes_reposts_of_the_blocked_persons_posts_from_my_timeline(ana, ben):
    cleo = UserFactory()
    follow_create(follower=ana, followee=cleo)
    bens_post = post_published(ben, text="ben's mix")
    repost = post_published(cleo, text="", repost_of=bens_post)
    assert TimelineEntry.objects.filter(owner=ana, post=repost).exists()

    services.block_create(blocker=ana, blocked=ben)

    assert not TimelineEntry.objects.filter(owner=ana, post=repost).exists()
    assert Follow.objects.filter(follower=ana, followee=cleo).exists()


def test_block_delete_unblocks_and_follows_stay_gone(ana, ben):
    follow_create(follower=ben, followee=ana)
    services.block_create(blocker=ana, blocked=ben)

    assert services.block_delete(blocker=ana, blocked=ben) is True
    assert services.block_delete(blocker=ana, blocked=ben) is False

    assert not Block.objects.exists()
    assert not Follow.objects.exists()
    follow_create(follower=ben, followee=ana)  # allowed again
    assert Follow.objects.filter(follower=ben, followee=ana).exists()


def test_mute_create_mutes_once_and_changes_nothing_for_the_muted(ana, ben):
    follow_create(follower=ben, followee=ana)
    follow_create(follower=ana, followee=ben)

    first = services.mute_create(muter=ana, muted=ben)
    again = services.mute_create(muter=ana, muted=ben)

    assert first == again
    assert Mute.objects.filter(muter=ana, muted=ben).count() == 1
    assert Follow.objects.count() == 2  # nobody notices anything


def test_mute_create_refuses_yourself(ana):
    with pytest.raises(ValidationError) as error:
        services.mute_create(muter=ana, muted=ana)

    assert error.value.messages == ["You can't mute yourself."]


def test_mute_delete_unmutes(ana, ben):
    services.mute_create(muter=ana, muted=ben)

    assert services.mute_delete(muter=ana, muted=ben) is True
    assert services.mute_delete(muter=ana, muted=ben) is False
    assert not Mute.objects.exists()


def test_blocks_and_mutes_are_rate_limited(ana, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "block": "2/1d"}
    services.block_create(blocker=ana, blocked=UserFactory())
    services.mute_create(muter=ana, muted=UserFactory())

    with pytest.raises(RateLimited):
        services.block_create(blocker=ana, blocked=UserFactory())
    assert Block.objects.count() == 1
