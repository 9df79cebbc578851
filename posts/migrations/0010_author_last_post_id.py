from django.db import migrations, models
from django.db.models import Max

COUNTED = ("public", "unlisted", "private")  # Post.objects.profile_counted(): not messages


def fill(apps, schema_editor):
    """Each author's newest counted post's id, as posts.services.author_stats_refresh finds it
    (the model's queryset methods are not available to a migration)."""
    Post = apps.get_model("posts", "Post")
    AuthorStats = apps.get_model("posts", "AuthorStats")
    counted = Post.objects.filter(removed_at__isnull=True, visibility__in=COUNTED).order_by()
    newest = counted.values("author_id").annotate(last=Max("pk")).values_list("author_id", "last")
    AuthorStats.objects.bulk_update(
        [AuthorStats(author_id=author, last_post_id=last) for author, last in newest],
        ["last_post_id"],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0009_author_stats"),
    ]

    operations = [
        migrations.AddField(
            model_name="authorstats",
            name="last_post_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
