"""Timeline entries lose their database foreign-key constraints (see TimelineEntry). Going back,
rows that name a deleted person or post are removed first, or the constraints could not return."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef


def delete_orphans(apps, schema_editor):
    TimelineEntry = apps.get_model("follows", "TimelineEntry")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Post = apps.get_model("posts", "Post")
    # one NOT EXISTS a statement, as follows.services.timelines_sweep (an OR defeats the anti-join)
    TimelineEntry.objects.filter(~Exists(User.objects.filter(pk=OuterRef("owner_id")))).delete()
    TimelineEntry.objects.filter(~Exists(Post.objects.filter(pk=OuterRef("post_id")))).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('follows', '0004_followee_index_covers_follower'),
        ('posts', '0003_stored_counts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='timelineentry',
            name='owner',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='timeline_entries', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='timelineentry',
            name='post',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='posts.post'),
        ),
        # last, so that going back it runs first
        migrations.RunPython(migrations.RunPython.noop, delete_orphans),
    ]
