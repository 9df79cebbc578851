"""Run the background tasks: django-tasks-db's `db_worker`, with core.tasks.Worker (retries with
backoff, a heartbeat, and tasks of dead workers taken up again), or core.tasks.RedisWorker when
the queue is Redis. The options are db_worker's; with Redis, --queue-name, --exclude-queues and
--startup-delay change nothing."""

import os
from argparse import ArgumentTypeError

from django.core.management import CommandError
from django.tasks import task_backends
from django.tasks.exceptions import InvalidTaskBackend
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands import db_worker
from django_tasks_redis import RedisTaskBackend

from core.tasks import RedisWorker, Worker, queued_in_redis, worker_id_new


def _queue_backend_name(name: str) -> str:
    """A backend with a queue a worker can take tasks from: the database's or Redis's."""
    try:
        backend = task_backends[name]
    except InvalidTaskBackend as error:
        raise ArgumentTypeError(error.args[0]) from error
    if not isinstance(backend, DatabaseBackend | RedisTaskBackend):
        raise ArgumentTypeError(f"Backend '{name}' is not a database or Redis backend")
    return name


class Command(db_worker.Command):
    help = "Run the background tasks (retried with backoff; dead workers' tasks taken up again)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # A readable id (host and process) rather than a random one: it shows in the admin's
        # list of attempts.
        parser.set_defaults(worker_id=worker_id_new())
        parser._option_string_actions["--backend"].type = _queue_backend_name

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, batch, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        if queued_in_redis():
            worker = RedisWorker(
                worker_id=options["worker_id"],
                batch=batch,
                interval=options["interval"],
                max_tasks=options["max_tasks"],
                backend_name=options["backend_name"],
            )
            if reload and not batch:
                run_with_reloader(worker.run)
            else:
                worker.run()
            return
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
