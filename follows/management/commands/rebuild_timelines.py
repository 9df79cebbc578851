"""Rebuild stored home timelines from follows and posts (all people, or the ones named)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from follows.services import timeline_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild stored home timelines from follows and posts: after bulk-loading data, or for "
        "data older than the timelines. The site keeps timelines current by itself."
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
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {count} timelines ({rows} rows)."))
