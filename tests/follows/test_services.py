import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.ratelimit import RateLimited
from follows.models import Follow, TimelineEntry
from follows.services import follow_create, follow_delete, timelines_sweep
from posts.models import Notification
from tests.factories import PostFactory, UserFactory, post_published

pytestmark = pytest.mark.django_db


def timeline_of(person) -> list[int]:
    return list(
        TimelineEntry.objects.filter(owner=person)
        .order_by("-post_id")
        .values_list("post_id", flat=True)
    )


def test_follow_create_makes_the_follow_and_backfills_visible_posts():
    maya, jonas = UserFactory(), UserFactory()
    older = PostFactory(author=jonas)
    removed = PostFactory(author=jonas, removed_at=timezone.now())
    newer = PostFactory(author=jonas)

    follow = follow_create(follower=maya, followee=jonas)

    assert Follow.objects.filter(pk=follow.pk, follower=maya, followee=jonas).exists()
    assert timeline_of(maya) == [newer.id, older.id]
    assert removed.id not in timeline_of(maya)


def test_backfill_copies_only_the_newest_posts(settings):
    settings.TIMELINE_BACKFILL = 3
    maya, jonas = UserFactory(), UserFactory()
    posts = [PostFactory(author=jonas) for _ in range(5)]

    follow_create(follower=maya, followee=jonas)

    assert timeline_of(maya) == [post.id for post in reversed(posts[2:])]


def test_following_twice_changes_nothing():
    maya, jonas = UserFactory(), UserFactory()
    first = follow_create(follower=maya, followee=jonas)

    second = follow_create(follower=maya, followee=jonas)

    assert second.pk == first.pk
    assert Follow.objects.count() == 1


def test_nobody_can_follow_themselves():
    maya = UserFactory()

    with pytest.raises(ValidationError) as error:
        follow_create(follower=maya, followee=maya)

    assert error.value.messages == ["You can't follow yourself."]
    assert not Follow.objects.exists()


def test_suspended_accounts_cannot_be_followed():
    maya, banned = UserFactory(), UserFactory(suspended_at=timezone.now())

    with pytest.raises(ValidationError) as error:
        follow_create(follower=maya, followee=banned)

    assert error.value.messages == ["This account can't be followed."]
    assert not Follow.objects.exists()


def test_following_is_rate_limited(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "follow": "2/1d"}
    maya = UserFactory()
    follow_create(follower=maya, followee=UserFactory())
    follow_create(follower=maya, followee=UserFactory())

    with pytest.raises(RateLimited):
        follow_create(follower=maya, followee=UserFactory())

    assert Follow.objects.filter(follower=maya).count() == 2


def test_follow_delete_removes_the_followees_posts_and_reposts_from_the_timeline():
    maya, jonas, leo = UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=maya, followee=jonas)
    follow_create(follower=maya, followee=leo)
    by_jonas = post_published(jonas)
    by_leo = post_published(leo)
    jonas_repost = post_published(jonas, text="", repost_of=by_leo)
    mine = post_published(maya)

    assert follow_delete(follower=maya, followee=jonas) is True

    assert not Follow.objects.filter(follower=maya, followee=jonas).exists()
    assert timeline_of(maya) == [mine.id, by_leo.id]
    assert by_jonas.id not in timeline_of(maya) and jonas_repost.id not in timeline_of(maya)


def test_unfollowing_someone_not_followed_says_so():
    maya, jonas = UserFactory(), UserFactory()

    assert follow_delete(follower=maya, followee=jonas) is False


def test_a_new_post_fans_out_to_followers_and_its_author_only():
    author, fan, other_fan, stranger = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=fan, followee=author)
    follow_create(follower=other_fan, followee=author)

    post = post_published(author)

    owners = set(TimelineEntry.objects.filter(post=post).values_list("owner_id", flat=True))
    assert owners == {author.id, fan.id, other_fan.id}
    assert stranger.id not in owners


def test_reposts_fan_out_like_posts():
    original_author, reposter, fan = UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=fan, followee=reposter)
    original = post_published(original_author)

    repost = post_published(reposter, text="", repost_of=original)

    assert timeline_of(fan) == [repost.id]


def test_timelines_are_trimmed_to_the_cap_in_batches(settings):
    settings.TIMELINE_MAX_ENTRIES = 5
    settings.TIMELINE_TRIM_EVERY = 1  # check every timeline on every post
    author, fan = UserFactory(), UserFactory()
    follow_create(follower=fan, followee=author)

    posts = [post_published(author) for _ in range(8)]

    assert timeline_of(fan) == [post.id for post in reversed(posts[3:])]
    assert timeline_of(author) == [post.id for post in reversed(posts[3:])]


def test_only_sampled_timelines_are_trimmed(settings):
    settings.TIMELINE_MAX_ENTRIES = 2
    settings.TIMELINE_TRIM_EVERY = 1_000_000  # (owner + post id) is never a multiple
    author, fan = UserFactory(), UserFactory()
    follow_create(follower=fan, followee=author)

    for _ in range(4):
        post_published(author)

    assert len(timeline_of(fan)) == 4


def test_following_notifies_the_followed_person_and_unfollowing_withdraws_it():
    maya, jonas = UserFactory(username="maya"), UserFactory(username="jonas")

    follow_create(follower=maya, followee=jonas)

    (notice,) = Notification.objects.filter(recipient=jonas)
    assert (notice.actor, notice.kind, notice.post) == (maya, "follow", None)
    follow_create(follower=maya, followee=jonas)  # following twice does not notify twice
    assert Notification.objects.filter(recipient=jonas).count() == 1

    follow_delete(follower=maya, followee=jonas)

    assert not Notification.objects.filter(recipient=jonas).exists()


def test_the_sweep_removes_rows_naming_a_deleted_person_or_post():
    maya = UserFactory()
    post = PostFactory(author=maya)
    kept = TimelineEntry.objects.create(owner=maya, post=post)
    TimelineEntry.objects.create(owner=maya, post_id=post.id + 1000)  # the post is gone
    TimelineEntry.objects.create(owner_id=maya.id + 1000, post=post)  # the owner is gone

    assert timelines_sweep() == 2
    assert list(TimelineEntry.objects.all()) == [kept]
