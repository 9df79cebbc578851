"""Likes, reposts and replies counted once and stored on the post, instead of on every read."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_existing(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    Like = apps.get_model("posts", "Like")

    def count_of(queryset, field):
        rows = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
        return Coalesce(Subquery(rows.annotate(n=Count("*")).values("n")[:1]), Value(0))

    Post.objects.update(
        like_count=count_of(Like.objects.all(), "post"),
        repost_count=count_of(Post.objects.filter(repost_of__isnull=False), "repost_of"),
        reply_count=count_of(
            Post.objects.filter(
                removed_at__isnull=True, author__is_active=True, author__suspended_at__isnull=True
            ),
            "in_reply_to",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0002_likes_reposts_hashtags_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="like_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="post",
            name="reply_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="post",
            name="repost_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
