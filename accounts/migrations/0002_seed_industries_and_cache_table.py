from django.core.management import call_command
from django.db import migrations
from django.utils.text import slugify

INDUSTRIES = [
    "Music",
    "Audio and sound design",
    "Film and TV post-production",
    "Film and TV production",
    "Music production and engineering",
    "Broadcasting and radio",
    "Podcasting",
    "Games",
    "Live events and touring",
    "Music publishing and licensing",
    "Animation and visual effects",
    "Photography",
    "Design",
    "Advertising and marketing",
    "Software and technology",
    "Education",
    "Other",
]


def seed_industries(apps, schema_editor):
    Industry = apps.get_model("accounts", "Industry")
    for name in INDUSTRIES:
        Industry.objects.get_or_create(slug=slugify(name), defaults={"name": name})


def create_cache_table(apps, schema_editor):
    # The database cache holds rate-limit counters when Redis is not configured. Creating it in a
    # migration means `migrate` is the only setup step, for the site and for the test databases.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RunPython(seed_industries, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
