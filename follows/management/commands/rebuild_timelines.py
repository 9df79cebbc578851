"""Rebuild stored home timelines from follows and posts (all people, or the ones named); for
everyone, also remove rows left by deleted people or posts (see TimelineEntry)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from follows.services import timeline_rebuild, timelines_sweep


class Command(BaseCommand):
    help = (
        "Rebuild stored home timelines from follows and posts: after bulk-loading data, or for "
        "data older than the timelines. The site keeps timelines current by itself. With no "
        "names, also removes rows naming a deleted person or post."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="only these people (default: everyone)")

    def handle(self, *args, usernames=(), **options):
        people = User.objects.order_by("pk")
        if usernames:
            people = people.filter(username__in=usernames)
            missing = set(usernames) - set(people.values_list("username", flat=True))
            if missing:
                raise CommandError(f"No such people: {', '.join(sorted(missing))}")
        count = rows = 0
        for person in people.iterator(chunk_size=500):
            rows += timeline_rebuild(owner=person)
            count += 1
        message = f"Rebuilt {count} timelines ({rows} rows)."
        if not usernames:
            swept = timelines_sweep()
            message += f" Removed {swept} rows of deleted people or posts."
        self.stdout.write(self.style.SUCCESS(message))
