"""Recount each person's stored post count and last post (time and id) from their posts."""

from django.core.management.base import BaseCommand

from accounts.models import User
from posts.services import author_stats_refresh


class Command(BaseCommand):
    help = (
        "Recount each person's stored post count and last post (posts.AuthorStats) from "
        "their posts: after rows were written around the site (bulk loads), or once an upgrade "
        "that added the counts has replaced every node's old code (posts its old code wrote after "
        "the migration are not counted). The site keeps the counts current by itself."
    )

    def handle(self, *args, **options):
        ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
        author_stats_refresh(author_ids=ids)
        self.stdout.write(self.style.SUCCESS(f"Recounted the posts of {len(ids)} people."))
