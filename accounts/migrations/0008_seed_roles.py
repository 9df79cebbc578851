"""The roles a new site starts with (the admin edits the list)."""

from django.db import migrations
from django.utils.text import slugify

ROLES = [
    "Assistant editor",
    "Colourist",
    "Composer",
    "Dialogue editor",
    "Field recordist",
    "Foley artist",
    "Mastering engineer",
    "Mixing engineer",
    "Music editor",
    "Orchestrator",
    "Picture editor",
    "Producer",
    "Re-recording mixer",
    "Sound designer",
    "Supervising sound editor",
]


def seed_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for name in ROLES:
        Role.objects.get_or_create(slug=slugify(name), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_roles_credits")]

    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
