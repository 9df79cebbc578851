"""Work after the response: Django's tasks framework (`django.tasks`), queued in the database by
django-tasks-db or in Redis by django-tasks-redis, and run by `manage.py worker` (the library's
worker or a loop over the library's broker, with what they leave out: retries with backoff,
and a heartbeat; with the database queue, also tasks taken up again after a worker dies, which
the Redis queue does itself).

Every task is idempotent (running it twice changes nothing), so running one again after a
failure, or after a worker was killed in the middle of it, is always safe:
- a task that raises is run again after TASK_RETRY_SECONDS, doubling each time, until it has
  been tried TASK_MAX_ATTEMPTS times; then it stays failed, listed in the admin with its error,
  where it can be retried;
- a task that has been running longer than TASK_TIMEOUT_SECONDS (its worker was killed, or its
  machine lost) is taken up again by any worker, counting as an attempt.

With the database queue a task's attempts are its claims: the library adds the worker's id to
`worker_ids` each time one takes it. With Redis they are its errors, and the queue counts starts
(REDIS_MAX_DELIVERIES) for tasks whose worker died.

Code queues a task with `enqueue(task, *args)`, never `task.enqueue`: the database queue stores
it in the caller's transaction (both or neither), while Redis, outside the transaction, is only
given it once the transaction has committed, so that a worker never runs a task for a row it
cannot see yet, or that a rollback took away.
"""

import contextlib
import functools
import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, close_old_connections, transaction
from django.tasks import TaskResultStatus, task_backends
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as LibraryWorker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_redis import GracefulShutdown
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WORKER_SEEN_KEY = "tasks:worker-seen"


def heartbeat_seconds() -> float:
    """How often a worker says it is alive and looks for tasks whose worker died: every 15 s,
    or more often when TASK_TIMEOUT_SECONDS is short, so a dead worker's task waits little
    beyond its timeout."""
    return max(1.0, min(15.0, settings.TASK_TIMEOUT_SECONDS / 3))


def queued_in_database() -> bool:
    """Whether tasks wait in the database for a worker."""
    return task_backends["default"].__class__.__module__.startswith("django_tasks_db")


def queued_in_redis() -> bool:
    """Whether tasks wait in Redis for a worker."""
    return task_backends["default"].__class__.__module__.startswith("django_tasks_redis")


def enqueue(task, *args) -> None:
    """Queue `task(*args)`: at once where the queue is the database (in the caller's transaction,
    so the task is stored if and only if the work that asks for it is), after the transaction
    commits where it is Redis. A Redis that fails then is logged, not raised: the response's
    work is committed and stays; the task is lost, as it would be with Redis down."""
    if queued_in_redis():
        transaction.on_commit(functools.partial(task.enqueue, *args), robust=True)
    else:
        task.enqueue(*args)


def retry_delay(attempts: int) -> timedelta:
    """How long a task that failed its `attempts`-th try waits before the next: doubling from
    TASK_RETRY_SECONDS, at most an hour."""
    return timedelta(seconds=min(3600, settings.TASK_RETRY_SECONDS * 2 ** max(0, attempts - 1)))


def _next_try(task_id, name: str, attempts: int, *, backoff: bool = True) -> timedelta | None:
    """The wait before a failed task's next try (none when it is out of attempts: it has failed
    for good), logged either way; the one rule both queues retry by."""
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        logger.error("task %s (%s) failed for good after %d attempts", task_id, name, attempts)
        return None
    delay = retry_delay(attempts) if backoff else timedelta(0)
    logger.warning(
        "task %s (%s) failed (attempt %d of %d); again in %s",
        task_id,
        name,
        attempts,
        settings.TASK_MAX_ATTEMPTS,
        delay,
    )
    return delay


def retry_or_fail(result: DBTaskResult, *, backoff: bool = True) -> bool:
    """After a failed try: back to the queue, to run after its backoff (or at once: a task whose
    worker died did not fail), if attempts are left; the error stays on the row, for the admin.
    Returns whether it will run again."""
    delay = _next_try(result.pk, result.task_name, len(result.worker_ids), backoff=backoff)
    if delay is None:
        return False
    result.status = TaskResultStatus.READY
    result.run_after = timezone.now() + delay
    result.finished_at = None
    result.save(update_fields=["status", "run_after", "finished_at"])
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
    if queued_in_redis():
        stats = task_backends["default"].get_queue_stats()
        oldest = stats["oldest_pending_waiting_since"]
        if isinstance(oldest, (int, float)):
            oldest = datetime.fromtimestamp(oldest, tz=timezone.get_current_timezone())
        return {
            # Tasks waiting for their retry time are ready, for the queue, but not due.
            "waiting": max(0, stats["pending_count"] - stats["delayed_count"]),
            "oldest_seconds": round(max(0.0, (timezone.now() - oldest).total_seconds()), 1)
            if oldest
            else 0,
            "failed": stats["failed_count"],
            "worker_seen_seconds": seen_ago,
        }
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


class Heartbeat:
    """A worker's sign of life: WORKER_SEEN_KEY for /healthz and its own key (`_alive_key`),
    every heartbeat_seconds() from a thread, so that a long task does not make it look dead."""

    worker_id: str
    running: bool

    def _beat(self) -> None:
        now = time.time()
        cache.set_many({WORKER_SEEN_KEY: now, _alive_key(self.worker_id): now}, timeout=3600)

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

    def _heartbeat_start(self) -> threading.Thread:
        beat = threading.Thread(target=self._heartbeat, name="heartbeat", daemon=True)
        beat.start()
        return beat


class Worker(Heartbeat, LibraryWorker):
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
        beat = self._heartbeat_start()
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
        super()._beat()
        stalled_take_up()


# --- the Redis queue -----------------------------------------------------------------------------


def redis_retry_or_fail(backend, result) -> bool:
    """After a failed try of a task queued in Redis: queued again to run after its backoff, if
    attempts are left, with its errors kept (they count the attempts, and the admin shows them).
    Returns whether it will run again."""
    delay = _next_try(result.id, result.task.module_path, len(result.errors))
    if delay is None:
        return False
    queue_name = backend.get_task_data(result.id).get("queue_name", "default")
    # The delayed set first: the queue moves a task from it to its stream only while the task is
    # READY, so if the status change below does not happen the task stays failed, not lost.
    backend.get_client().zadd(
        backend.broker.delayed_key(queue_name),
        {result.id: (timezone.now() + delay).timestamp()},
    )
    backend.transition_task_status(result.id, TaskResultStatus.READY, [TaskResultStatus.FAILED])
    return True


def redis_retry_now(backend, task_ids) -> int:
    """The admin's retry for the Redis queue: failed tasks back on their stream at once, with
    a fresh count of attempts. Returns how many."""
    retried = 0
    for task_id in task_ids:
        if backend.get_task_data(task_id).get("status") == TaskResultStatus.FAILED:
            retried += bool(backend.reset_task_status(task_id))
    return retried


class RedisWorker(Heartbeat):
    """Runs the tasks queued in Redis, through django-tasks-redis's broker (a consumer group
    on Redis streams): its own pending messages first, then new ones. Every heartbeat it takes
    over the messages of consumers that have held one longer than TASK_TIMEOUT_SECONDS (their
    worker died), which the broker gives back as ready; a task started TASK_MAX_ATTEMPTS times
    without finishing fails for good. A task that raises is retried with backoff
    (`redis_retry_or_fail`). SIGTERM or Ctrl-C lets the running task finish."""

    def __init__(
        self,
        *,
        worker_id: str,
        batch: bool,
        interval: float,
        max_tasks: int | None,
        backend_name: str = "default",
    ):
        self.worker_id = worker_id
        self.batch = batch
        self.interval = interval
        self.max_tasks = max_tasks
        self.backend_name = backend_name
        self.running = True

    def run(self) -> None:
        backend = task_backends[self.backend_name]
        broker = backend.broker
        done = 0
        sweep_at = 0.0
        shutdown = GracefulShutdown(log_signals=False)
        if self.batch:
            self._beat()
            beat = None
        else:
            shutdown.install()
            beat = self._heartbeat_start()
        try:
            while not shutdown.is_set():
                try:
                    if time.monotonic() >= sweep_at:
                        sweep_at = time.monotonic() + heartbeat_seconds()
                        broker.claim_stale_messages(self.worker_id)
                    wait = 0 if self.batch else max(1.0, self.interval)
                    messages = broker.receive(
                        max_messages=1, wait_seconds=wait, worker_id=self.worker_id
                    )
                except RedisError:
                    if self.batch:
                        raise
                    logger.exception("Redis failed the worker; trying again in 5 s")
                    shutdown.wait(5)
                    continue
                if not messages:
                    if self.batch:
                        return
                    continue
                self._run_one(backend, broker, messages[0])
                done += 1
                if self.max_tasks and done >= self.max_tasks:
                    return
        finally:
            self.running = False  # ends the heartbeat
            if beat is not None:
                beat.join(timeout=heartbeat_seconds() + 5)
                with contextlib.suppress(RedisError):
                    broker.remove_consumer(self.worker_id)
            shutdown.uninstall()

    def _run_one(self, backend, broker, message) -> None:
        try:
            result = backend.run_task(message.task_id, worker_id=self.worker_id)
        except TaskResultDoesNotExist:
            result = None  # expired or deleted: nothing to run
        except Exception:
            # Not the task's own error (the backend records those): Redis or the task's import
            # failed. The message stays pending with this consumer, served again next time.
            logger.exception("task %s could not be run; trying again", message.task_id)
            time.sleep(1)
            return
        finally:
            close_old_connections()
        broker.ack(message)
        if result is not None and result.status == TaskResultStatus.FAILED:
            redis_retry_or_fail(backend, result)
