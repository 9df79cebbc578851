"""Fill the new home timelines from the follows and posts that existed before them."""

from django.conf import settings
from django.db import migrations
from django.db.models import Q


def fill_timelines(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Follow = apps.get_model("follows", "Follow")
    Post = apps.get_model("posts", "Post")
    TimelineEntry = apps.get_model("follows", "TimelineEntry")
    cap = getattr(settings, "TIMELINE_MAX_ENTRIES", 800)
    for owner_id in User.objects.values_list("pk", flat=True).iterator():
        followees = Follow.objects.filter(follower_id=owner_id).values("followee_id")
        post_ids = (
            Post.objects.filter(Q(author_id__in=followees) | Q(author_id=owner_id))
            .filter(removed_at__isnull=True)
            .order_by("-id")
            .values_list("id", flat=True)[:cap]
        )
        TimelineEntry.objects.bulk_create(
            [TimelineEntry(owner_id=owner_id, post_id=post_id) for post_id in post_ids],
            batch_size=500,
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("follows", "0002_timelineentry")]

    operations = [migrations.RunPython(fill_timelines, migrations.RunPython.noop)]
