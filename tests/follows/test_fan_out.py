"""A post reaches followers' timelines after the response, in batches, through the database queue
and a real worker: the author's own timeline at once, every follower exactly once, nothing for a
post removed or a follow ended meanwhile, and every batch safe to run twice."""

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from follows import tasks
from follows.models import FanOut, TimelineEntry
from follows.services import follow_create, follow_delete
from posts import services as post_services
from tests.factories import UserFactory
from tests.queue import DATABASE_QUEUE, followed_author, holders, work_off

# Committed for real: the worker, as in production, closes a connection left in a transaction,
# which would end a test's own.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.FAN_OUT_BATCH = 10


@pytest.fixture
def author():
    return followed_author()


def test_the_author_sees_the_post_at_once_and_followers_after_the_worker(author):
    post = post_services.post_create(author=author, text="New reel up")

    assert holders(post) == [author.pk]
    work_off()

    owners = holders(post)
    assert len(owners) == len(set(owners)) == 26
    fan_outs = DBTaskResult.objects.filter(task_path="follows.tasks.fan_out")
    assert fan_outs.count() == 3  # 25 followers, 10 a batch
    assert set(fan_outs.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}


def test_a_batch_run_twice_writes_nothing_twice(author):
    post = post_services.post_create(author=author, text="New reel up")
    work_off()
    before = TimelineEntry.objects.count()

    tasks.fan_out.call(post.pk, 0)

    assert TimelineEntry.objects.count() == before
    assert len(holders(post)) == 26


def test_a_post_removed_before_the_worker_goes_nowhere(author):
    post = post_services.post_create(author=author, text="Oops")
    post.removed_at = timezone.now()
    post.save()

    work_off()

    assert holders(post) == [author.pk]


def test_a_follow_ended_before_the_worker_gets_nothing(author):
    gone = UserFactory(username="gone")
    follow_create(follower=gone, followee=author)
    post = post_services.post_create(author=author, text="New reel up")
    follow_delete(follower=gone, followee=author)

    work_off()

    assert gone.pk not in holders(post)
    assert len(holders(post)) == 26


def test_batches_trim_the_timelines_they_write(author, settings):
    settings.TIMELINE_TRIM_EVERY = 1  # every timeline looked at on every post
    settings.TIMELINE_MAX_ENTRIES = 3
    for n in range(5):
        post_services.post_create(author=author, text=f"post {n}")
    work_off()

    follower = author.followers.first().follower
    assert TimelineEntry.objects.filter(owner=follower).count() == 3
    assert TimelineEntry.objects.filter(owner=author).count() == 3


def test_a_follow_backfills_after_the_response_unless_it_ended(author):
    post_services.post_create(author=author, text="An older post")
    work_off()
    leo, ana = UserFactory(username="leo"), UserFactory(username="ana")

    follow_create(follower=leo, followee=author)
    follow_create(follower=ana, followee=author)
    follow_delete(follower=ana, followee=author)
    assert not TimelineEntry.objects.filter(owner__in=[leo, ana]).exists()
    work_off()

    assert TimelineEntry.objects.filter(owner=leo).count() == 1
    assert not TimelineEntry.objects.filter(owner=ana).exists()


def test_an_unfollow_cleans_the_timeline_unless_followed_again(author):
    post_services.post_create(author=author, text="A post")
    work_off()
    leo, ana = UserFactory(username="leo"), UserFactory(username="ana")
    for person in (leo, ana):
        follow_create(follower=person, followee=author)
    work_off()

    follow_delete(follower=leo, followee=author)
    follow_delete(follower=ana, followee=author)
    follow_create(follower=ana, followee=author)
    work_off()

    assert not TimelineEntry.objects.filter(owner=leo).exists()
    assert TimelineEntry.objects.filter(owner=ana).count() == 1


def test_a_batch_run_again_after_it_was_written_does_not_fork_the_chain(author):
    """A worker that dies after a batch committed, before marking its task done: the task runs
    again, finds its batch written and its successor queued, and stops."""
    post = post_services.post_create(author=author, text="New reel up")
    tasks.fan_out.call(post.pk, 0)  # the batch commits; its task is still marked waiting

    work_off()  # runs that task again, then the chain

    assert len(holders(post)) == 26
    fan_outs = DBTaskResult.objects.filter(task_path="follows.tasks.fan_out")
    assert fan_outs.count() == 3  # the first (twice), the second and the third: no fork
    assert FanOut.objects.get(post_id=post.pk).written_upto > author.followers.count()


def test_a_block_cleanup_run_after_an_unblock_undoes_nothing(author):
    from accounts.services import block_create, block_delete

    post_services.post_create(author=author, text="A post")
    leo = UserFactory(username="leo")
    follow_create(follower=leo, followee=author)
    work_off()
    block_create(blocker=leo, blocked=author)
    cleanup = DBTaskResult.objects.get(task_path="follows.tasks.block_clean")
    DBTaskResult.objects.filter(pk=cleanup.pk).update(run_after=timezone.now() + timedelta(hours=1))
    block_delete(blocker=leo, blocked=author)
    follow_create(follower=leo, followee=author)
    work_off()  # the backfill
    assert TimelineEntry.objects.filter(owner=leo).count() == 1

    DBTaskResult.objects.filter(pk=cleanup.pk).update(run_after=timezone.now())
    work_off()  # the late cleanup

    assert TimelineEntry.objects.filter(owner=leo).count() == 1
