"""The task queue in the database and its worker: retries with backoff, tasks of a dead worker
taken up again, failed tasks retried from the admin, and the queue in /healthz."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import tasks as core_tasks
from tests.factories import UserFactory
from tests.queue import DATABASE_QUEUE, work_off

# Committed for real: the worker, as in production, closes a connection left in a transaction,
# which would end a test's own.
pytestmark = pytest.mark.django_db(transaction=True)


@task
def note(key: str) -> None:
    """Counts its runs in the cache (shared with the worker, which runs in this process)."""
    cache.set(key, cache.get(key, 0) + 1)


@task
def broken() -> None:
    raise RuntimeError("the mail server said no")


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_MAX_ATTEMPTS = 3
    settings.TASK_RETRY_SECONDS = 10
    settings.TASK_TIMEOUT_SECONDS = 300
    cache.clear()


def test_a_queued_task_waits_for_the_worker_then_runs():
    result = note.enqueue("ran")

    assert cache.get("ran") is None
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY
    work_off()

    assert cache.get("ran") == 1
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL


def test_a_failing_task_is_retried_with_growing_delays_then_fails_for_good():
    result = broken.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    delays = []
    for _attempt in range(3):
        started = timezone.now()
        work_off()
        row.refresh_from_db()
        if row.status == TaskResultStatus.READY:
            delays.append(round((row.run_after - started).total_seconds()))
            assert "the mail server said no" in row.traceback  # the last error, kept
            row.run_after = timezone.now()  # time passes
            row.save()

    assert delays == [10, 20]
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 3
    assert row.exception_class_path == "builtins.RuntimeError"


def test_a_task_not_due_yet_is_left_alone():
    result = note.using(run_after=timezone.now() + timedelta(minutes=5)).enqueue("later")

    work_off()

    assert cache.get("later") is None
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY


def claimed_long_ago(result, attempts: int) -> DBTaskResult:
    """What a worker killed with SIGKILL leaves behind: the task marked running, forever."""
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now() - timedelta(seconds=301)
    row.worker_ids = [f"dead-{n}" for n in range(attempts)]
    row.save()
    return row


def test_a_task_whose_worker_died_is_taken_up_again_and_runs():
    row = claimed_long_ago(note.enqueue("again"), attempts=1)
    recent = claimed_long_ago(note.enqueue("recent"), attempts=1)
    recent.started_at = timezone.now() - timedelta(seconds=10)  # still running somewhere
    recent.save()

    assert core_tasks.stalled_take_up() == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    assert "stopped answering" in row.traceback
    assert row.run_after <= timezone.now()  # at once: the task did not fail, its worker died
    work_off()

    assert cache.get("again") == 1
    recent.refresh_from_db()
    assert recent.status == TaskResultStatus.RUNNING


def test_a_task_that_kills_its_worker_every_time_fails_for_good():
    row = claimed_long_ago(note.enqueue("never"), attempts=3)

    core_tasks.stalled_take_up()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "core.tasks.WorkerLost"


def test_failed_tasks_are_listed_in_the_admin_and_retried_from_there(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    failed = DBTaskResult.objects.get(pk=broken.enqueue().id)
    for _ in range(3):
        work_off()
        failed.refresh_from_db()
        DBTaskResult.objects.filter(pk=failed.pk).update(run_after=timezone.now())
    assert failed.status == TaskResultStatus.FAILED
    done = DBTaskResult.objects.get(pk=note.enqueue("fine").id)
    work_off()

    listing = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    page = listing.content.decode()
    assert listing.status_code == 200
    assert "RuntimeError" in page
    assert "Retry the selected failed tasks" in page
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")
    assert "the mail server said no" in detail.content.decode()

    response = client.post(
        "/admin/django_tasks_database/dbtaskresult/",
        {"action": "retry", "_selected_action": [failed.pk, done.pk]},
        follow=True,
    )
    assert "1 task queued again (only failed tasks are retried)." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == TaskResultStatus.READY
    assert failed.worker_ids == []
    done.refresh_from_db()
    assert done.status == TaskResultStatus.SUCCESSFUL


def test_moderators_see_no_tasks(client):
    moderator = UserFactory(is_staff=True)
    client.force_login(moderator)

    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 403


def test_healthz_reports_the_queue_and_the_worker_beside_a_200(client):
    note.enqueue("one")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=42))

    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    assert health["tasks"]["waiting"] == 1
    assert health["tasks"]["oldest_seconds"] >= 42
    assert health["tasks"]["worker"] == "not seen"

    cache.set(core_tasks.WORKER_SEEN_KEY, timezone.now().timestamp())
    health = client.get("/healthz").json()
    assert health["tasks"]["worker"] == "ok"


def test_the_worker_refuses_to_start_without_a_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

    with pytest.raises(Exception, match="not a database or Redis backend"):
        work_off()


def test_a_slow_task_of_a_live_worker_is_left_to_it():
    row = claimed_long_ago(note.enqueue("slow"), attempts=1)
    cache.set(f"tasks:worker:{row.worker_ids[-1]}", timezone.now().timestamp())  # its heartbeat

    assert core_tasks.stalled_take_up() == 0
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


def test_a_worker_in_batch_mode_leaves_no_heartbeat_behind():
    import threading

    before = sum(thread.name == "heartbeat" for thread in threading.enumerate())
    work_off()

    assert sum(thread.name == "heartbeat" for thread in threading.enumerate()) == before
