from django.db import migrations

from search import index


def create(apps, schema_editor):
    index.index_create(schema_editor)


def drop(apps, schema_editor):
    index.index_drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("posts", "0007_visibility")]

    operations = [migrations.RunPython(create, drop)]
