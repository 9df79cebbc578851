"""The task queue in Redis (django-tasks-redis, the default when REDIS_URL is set) and the same
worker command: tasks handed over only after the commit, retries with backoff, a dead worker's
task taken up after the timeout, failed tasks retried from the admin, the queue in /healthz, and
a big fan-out written exactly once even when a batch rolls back. Against a real Redis
(REDIS_TEST_URL, default database 14 of the one on 127.0.0.1), under a key prefix of its own."""

import os
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.db import transaction
from django.tasks import TaskResultStatus, task, task_backends
from django_tasks_redis import executor
from django_tasks_redis.utils import get_status_index_key

from core import tasks as core_tasks
from follows import tasks as follows_tasks
from follows.models import FanOut, TimelineEntry
from posts import services as post_services
from tests.factories import UserFactory
from tests.queue import followed_author, holders, work_off

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")

# Committed for real, so that on_commit hands tasks over as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


if not _redis_up():
    # CI starts Redis before the suite, and says so: there a missing Redis is a failure.
    if os.environ.get("REQUIRE_REDIS"):
        raise RuntimeError(f"REQUIRE_REDIS is set and Redis does not answer at {REDIS_TEST_URL}")
    pytest.skip(f"no Redis at {REDIS_TEST_URL}", allow_module_level=True)


@task
def note(key: str) -> None:
    """Counts its runs in the cache (shared with the worker, which runs in this process)."""
    cache.set(key, cache.get(key, 0) + 1)


@task
def broken() -> None:
    raise RuntimeError("the mail server said no")


@pytest.fixture(autouse=True)
def _redis_queue(settings):
    prefix = f"test-tasks:{uuid.uuid4().hex}"
    settings.TASK_MAX_ATTEMPTS = 3
    settings.TASK_RETRY_SECONDS = 10
    settings.TASK_TIMEOUT_SECONDS = 1
    settings.FAN_OUT_BATCH = 10
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_redis.RedisTaskBackend",
            "OPTIONS": {
                "REDIS_URL": REDIS_TEST_URL,
                "REDIS_KEY_PREFIX": prefix,
                "REDIS_CLAIM_TIMEOUT": 1,
                "REDIS_MAX_DELIVERIES": 3,
            },
        }
    }
    cache.clear()
    yield
    client = redis.Redis.from_url(REDIS_TEST_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def backend():
    return task_backends["default"]


def status(result_id: str) -> str:
    return backend().get_task_data(result_id)["status"]


def retry_due_in(result_id: str) -> float:
    """Seconds until a task waiting for its retry is due (it waits in the delayed set)."""
    key = backend().broker.delayed_key("default")
    return backend().get_client().zscore(key, result_id) - time.time()


@pytest.fixture
def author():
    return followed_author()


def test_a_task_is_handed_over_only_when_the_transaction_commits():
    with transaction.atomic():
        core_tasks.enqueue(note, "committed")
        assert backend().get_queue_stats()["pending_count"] == 0  # a worker could run it now
    assert backend().get_queue_stats()["pending_count"] == 1

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        core_tasks.enqueue(note, "rolled-back")
        1 / 0  # noqa: B018 (the work that asked for the task fails)
    work_off()

    assert cache.get("committed") == 1
    assert cache.get("rolled-back") is None
    assert backend().get_queue_stats()["pending_count"] == 0


def test_a_failing_task_is_retried_with_growing_delays_then_fails_for_good():
    result = broken.enqueue()
    delays = []
    for _attempt in range(3):
        work_off()
        if status(result.id) == TaskResultStatus.READY:
            delays.append(round(retry_due_in(result.id)))
            work_off()  # not due yet: left alone
            assert status(result.id) == TaskResultStatus.READY
            # Time passes: the retry is due.
            key = backend().broker.delayed_key("default")
            backend().get_client().zadd(key, {result.id: time.time() - 1})

    assert delays == [10, 20]
    final = backend().get_result(result.id)
    assert final.status == TaskResultStatus.FAILED
    assert len(final.errors) == 3
    assert final.errors[-1].exception_class_path == "builtins.RuntimeError"
    assert "the mail server said no" in final.errors[-1].traceback


def test_a_task_whose_worker_died_is_taken_up_again_after_the_timeout():
    dead = note.enqueue("again")
    # What a worker killed with SIGKILL leaves: the message taken, the task marked running.
    [message] = backend().broker.receive(worker_id="dead-worker")
    assert backend().claim_task(dead.id, worker_id="dead-worker")
    work_off()
    assert status(dead.id) == TaskResultStatus.RUNNING  # may still be running: left alone

    # Time passes: the message has been idle past the timeout (1 s here), on Redis's own clock,
    # set by XCLAIM's IDLE option rather than waited for.
    stream_key, message_id = message.handle
    backend().get_client().xclaim(
        stream_key,
        backend().broker.consumer_group,
        "dead-worker",
        min_idle_time=0,
        message_ids=[message_id],
        idle=5000,
    )
    work_off()

    assert message.task_id == dead.id
    assert cache.get("again") == 1
    assert status(dead.id) == TaskResultStatus.SUCCESSFUL


def test_failed_tasks_are_listed_in_the_admin_and_retried_from_there(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    failed = broken.enqueue()
    for _ in range(3):
        work_off()
        backend().get_client().zadd(
            backend().broker.delayed_key("default"), {failed.id: time.time() - 1}
        )
    done = note.enqueue("fine")
    work_off()
    assert status(failed.id) == TaskResultStatus.FAILED

    listing = client.get("/admin/django_tasks_redis/redistask/?status=FAILED")
    page = listing.content.decode()
    assert listing.status_code == 200
    assert "RuntimeError" in page
    assert "Retry the selected failed tasks" in page
    detail = client.get(f"/admin/django_tasks_redis/redistask/{failed.id}/detail/")
    assert "the mail server said no" in detail.content.decode()

    response = client.post(
        "/admin/django_tasks_redis/redistask/",
        {"action": "retry", "_selected_action": [failed.id, done.id]},
        follow=True,
    )

    assert "1 task queued again (only failed tasks are retried)." in response.content.decode()
    assert status(failed.id) == TaskResultStatus.READY
    assert backend().get_result(failed.id).errors == []  # a fresh count of attempts
    assert status(done.id) == TaskResultStatus.SUCCESSFUL


def test_moderators_see_no_tasks_and_the_database_queue_shows_no_redis_tasks(client, settings):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/django_tasks_redis/redistask/").status_code == 403

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert client.get("/admin/django_tasks_redis/redistask/").status_code == 403
    assert "Redis" not in client.get("/admin/").content.decode()


def test_healthz_reports_the_redis_queue(client):
    retrying = broken.enqueue()
    work_off()  # it fails, and waits for its retry
    waiting = note.enqueue("one")
    index = get_status_index_key(backend().key_prefix, "default", TaskResultStatus.READY.value)
    backend().get_client().zadd(index, {waiting.id: time.time() - 42})  # enqueued 42 s ago

    health = client.get("/healthz").json()

    assert health["status"] == "ok"
    assert status(retrying.id) == TaskResultStatus.READY  # waiting for its retry: not due
    assert health["tasks"]["waiting"] == 1
    assert health["tasks"]["oldest_seconds"] >= 42
    assert health["tasks"]["worker"] == "ok"  # the worker above said so


def test_a_post_reaches_every_follower_once_through_the_redis_queue(author):
    post = post_services.post_create(author=author, text="New reel up")
    assert holders(post) == [author.pk]

    work_off()

    owners = holders(post)
    assert len(owners) == len(set(owners)) == 26  # the author and 25 followers, once each
    fan_outs, count = executor.get_tasks(task_path="follows.tasks.fan_out", limit=10)
    assert count == 3  # 25 followers, 10 a batch
    assert {row["status"] for row in fan_outs} == {TaskResultStatus.SUCCESSFUL}


def test_a_successor_queued_by_a_batch_that_rolled_back_writes_nothing(author):
    post = post_services.post_create(author=author, text="Mixing all week")
    work_off()
    TimelineEntry.objects.filter(post=post).exclude(owner=author).delete()
    FanOut.objects.filter(post_id=post.pk).update(written_upto=0)

    # A batch writes, queues its successor in Redis (which no rollback takes back), then fails.
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        follows_tasks.fan_out.call(post.pk, 0)
        1 / 0  # noqa: B018
    assert backend().get_queue_stats()["pending_count"] == 1
    work_off()  # the successor finds the chain short of it, and stops
    assert holders(post) == [author.pk]

    follows_tasks.fan_out.enqueue(post.pk, 0)  # the failed batch, retried
    work_off()

    owners = holders(post)
    assert len(owners) == len(set(owners)) == 26
