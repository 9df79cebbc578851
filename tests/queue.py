"""For tests of background work as production runs it: the database queue (django-tasks-db)
and a worker (`manage.py worker`) run in this process until nothing is due."""

from django.core.management import call_command

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def work_off() -> None:
    """A worker runs every task that is due, then stops."""
    call_command("worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def followed_author(followers: int = 25):
    """Someone with `followers` followers, the follows' own background work done."""
    from follows.services import follow_create
    from tests.factories import UserFactory

    person = UserFactory(username="maya")
    for n in range(followers):
        follow_create(follower=UserFactory(username=f"f{n}"), followee=person)
    work_off()
    return person


def holders(post) -> list[int]:
    """Whose home timelines hold `post` (owner ids, one per row)."""
    from follows.models import TimelineEntry

    return list(TimelineEntry.objects.filter(post=post).values_list("owner_id", flat=True))
