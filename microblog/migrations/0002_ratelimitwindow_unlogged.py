"""Rate-limit counts on PostgreSQL go in an UNLOGGED table: its rows are not written to the
write-ahead log, so the commit of a count does not wait for the disk (1 ms of each rate-limited
request here: posting, liking, sign-up, login, password reset, reports). After a crash, or on a
standby promoted by a failover, the table starts empty, which forgives everyone's current window;
standbys do not see it, and the counts are only read on the primary. SQLite has no such thing."""

from django.db import migrations

TABLE = "microblog_ratelimitwindow"


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("microblog", "0001_initial")]

    operations = [migrations.RunPython(unlogged, logged)]
