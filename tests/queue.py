"""For tests of background work as production runs it: the database queue (django-tasks-db)
and a worker (`manage.py worker`) run in this process until nothing is due."""

from django.core.management import call_command

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def work_off() -> None:
    """A worker runs every task that is due, then stops."""
    call_command("worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
