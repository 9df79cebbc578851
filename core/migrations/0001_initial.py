"""Rate-limit windows. On PostgreSQL the table is UNLOGGED: its rows are not written to the
write-ahead log, so counting an action does not wait for the disk. After a crash, or on a standby
promoted by a failover, the table starts empty, which forgives everyone's current window; the
counts are only read on the primary. SQLite has no such thing.

A site that ran an older layout has the same windows in microblog_ratelimitwindow: they are
short-lived counts, so that table is dropped rather than copied.
"""

from django.db import migrations, models

TABLE = "core_ratelimitwindow"
OLD_TABLE = "microblog_ratelimitwindow"


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET LOGGED")


def drop_old_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {OLD_TABLE}")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RateLimitWindow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=255, unique=True)),
                ("count", models.PositiveIntegerField(default=0)),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.RunPython(unlogged, logged),
        migrations.RunPython(drop_old_table, migrations.RunPython.noop),
    ]
