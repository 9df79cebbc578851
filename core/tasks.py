"""Work after the response: Django's tasks framework (`django.tasks`), queued in the database by
django-tasks-db and run by `manage.py worker` (the library's worker, with what it leaves out:
retries with backoff, tasks taken up again after a worker dies, and a heartbeat).

Every task is idempotent (running it twice changes nothing), so running one again after a
failure, or after a worker was killed in the middle of it, is always safe:
- a task that raises is run again after TASK_RETRY_SECONDS, doubling each time, until it has
  been tried TASK_MAX_ATTEMPTS times; then it stays failed, listed in the admin with its error,
  where it can be retried;
- a task that has been running longer than TASK_TIMEOUT_SECONDS (its worker was killed, or its
  machine lost) is taken up again by any worker, counting as an attempt.

A task's attempts are its claims: the library adds the worker's id to `worker_ids` each time one
takes it.
"""

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, close_old_connections, transaction
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as LibraryWorker
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

WORKER_SEEN_KEY = "tasks:worker-seen"


def heartbeat_seconds() -> float:
    """How often a worker says it is alive and looks for tasks whose worker died: every 15 s,
    or more often when TASK_TIMEOUT_SECONDS is short, so a dead worker's task waits little
    beyond its timeout."""
    return max(1.0, min(15.0, settings.TASK_TIMEOUT_SECONDS / 3))


def queued_in_database() -> bool:
    """Whether tasks wait in the database for a worker (else they ran when enqueued)."""
    return task_backends["default"].__class__.__module__.startswith("django_tasks_db")


def retry_delay(attempts: int) -> timedelta:
    """How long a task that failed its `attempts`-th try waits before the next: doubling from
    TASK_RETRY_SECONDS, at most an hour."""
    return timedelta(seconds=min(3600, settings.TASK_RETRY_SECONDS * 2 ** max(0, attempts - 1)))


def retry_or_fail(result: DBTaskResult, *, backoff: bool = True) -> bool:
    """After a failed try: back to the queue, to run after its backoff (or at once: a task whose
    worker died did not fail), if attempts are left; the error stays on the row, for the admin.
    Returns whether it will run again."""
    attempts = len(result.worker_ids)
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        logger.error(
            "task %s (%s) failed for good after %d attempts", result.pk, result.task_name, attempts
        )
        return False
    delay = retry_delay(attempts) if backoff else timedelta(0)
    result.status = TaskResultStatus.READY
    result.run_after = timezone.now() + delay
    result.finished_at = None
    result.save(update_fields=["status", "run_after", "finished_at"])
    logger.warning(
        "task %s (%s) failed (attempt %d of %d); again in %s",
        result.pk,
        result.task_name,
        attempts,
        settings.TASK_MAX_ATTEMPTS,
        delay,
    )
    return True


def retry_now(results) -> int:
    """The admin's retry: failed tasks go back to the queue at once, with a fresh count of
    attempts. Returns how many."""
    return results.filter(status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY,
        run_after=get_date_max(),
        finished_at=None,
        worker_ids=[],
    )


def _alive_key(worker_id: str) -> str:
    return f"tasks:worker:{worker_id}"


def stalled_take_up() -> int:
    """Tasks still marked running after TASK_TIMEOUT_SECONDS whose worker has not said it is
    alive for as long: killed, or its machine lost. (A slow task of a live worker is left to
    it: its worker's heartbeat goes on.) Each goes back to the queue, or fails for good once out
    of attempts. Returns how many were found."""
    cutoff = timezone.now() - timedelta(seconds=settings.TASK_TIMEOUT_SECONDS)
    found = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        running = list(running)
        beats = cache.get_many([_alive_key(r.worker_ids[-1]) for r in running if r.worker_ids])
        for result in running:
            beat = beats.get(_alive_key(result.worker_ids[-1])) if result.worker_ids else None
            if beat is not None and time.time() - beat < settings.TASK_TIMEOUT_SECONDS:
                continue  # its worker is alive: a slow task, not a lost one
            found += 1
            logger.warning("task %s (%s) stalled: its worker is gone", result.pk, result.task_name)
            result.exception_class_path = "core.tasks.WorkerLost"
            result.traceback = (
                f"The worker running it stopped answering (no end after "
                f"{settings.TASK_TIMEOUT_SECONDS} s): killed, or its machine lost.\n"
            )
            if not retry_or_fail(result, backoff=False):
                result.status = TaskResultStatus.FAILED
                result.finished_at = timezone.now()
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
            else:
                result.save(update_fields=["exception_class_path", "traceback"])
    return found


def queue_status() -> dict:
    """For /healthz and the metrics: how many tasks wait to run now, how long the oldest has
    waited (seconds), how many failed for good, and when a worker was last seen (seconds ago,
    None if never or long ago)."""
    try:
        seen = cache.get(WORKER_SEEN_KEY)
    except Exception:  # the cache (Redis) is down: the queue can still be reported
        logger.warning("the cache did not answer; no worker heartbeat to report")
        seen = None
    seen_ago = round(time.time() - seen, 1) if seen is not None else None
    if not queued_in_database():
        return {"waiting": 0, "oldest_seconds": 0, "failed": 0, "worker_seen_seconds": seen_ago}
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "waiting": waiting.count(),
        "oldest_seconds": round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0,
        "failed": DBTaskResult.objects.failed().count(),
        "worker_seen_seconds": seen_ago,
    }


def worker_id_new() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"[:64]


class Worker(LibraryWorker):
    """django-tasks-db's worker, with retries, a heartbeat thread that also takes up the tasks
    of dead workers, and patience with the database: it waits for it to come back rather than
    exit (`make serve` runs it beside the web server, which a worker's exit would stop)."""

    def run(self) -> None:
        if self.batch:
            # Run once (by a person, a cron job or a test): one heartbeat, in this thread, which
            # also takes up dead workers' tasks; then what is due.
            self._beat()
            super().run()
            return
        beat = threading.Thread(target=self._heartbeat, name="heartbeat", daemon=True)
        beat.start()
        try:
            while self.running:
                try:
                    super().run()
                    return
                except DatabaseError:
                    logger.exception("the database failed the worker; trying again in 5 s")
                    close_old_connections()
                    time.sleep(5)
        finally:
            self.running = False  # ends the heartbeat
            beat.join(timeout=heartbeat_seconds() + 5)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            retry_or_fail(db_task_result)

    def _beat(self) -> None:
        """Say this worker is alive, and take up the tasks of workers that are not."""
        now = time.time()
        cache.set_many({WORKER_SEEN_KEY: now, _alive_key(self.worker_id): now}, timeout=3600)
        stalled_take_up()

    def _heartbeat(self) -> None:
        while self.running:
            try:
                self._beat()
            except Exception:
                logger.exception("worker heartbeat failed; trying again")
            finally:
                close_old_connections()
            # Sleep in short steps, so that a worker stopping is not held up by its heartbeat.
            wake = time.monotonic() + heartbeat_seconds()
            while self.running and time.monotonic() < wake:
                time.sleep(0.1)
