"""The Moderators group, with exactly the permissions moderation needs.

Permissions are normally created after all migrations run (post_migrate), so this migration
creates the ones it needs first. create_group() is idempotent: browser tests, whose database is
flushed between tests, call it again with the live app registry.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    ("moderation", "view_report"),
    ("moderation", "change_report"),
    ("moderation", "remove_post"),
    ("moderation", "suspend_user"),
    ("moderation", "approve_user"),
    ("moderation", "view_auditlogentry"),
    ("posts", "view_post"),
    ("accounts", "view_user"),
    ("accounts", "view_industry"),
]


def create_group(apps, schema_editor):
    for label in sorted({app for app, _ in PERMISSIONS}):
        app_config = apps.get_app_config(label)
        # Historical app configs have no models module, and create_permissions skips those.
        stub = getattr(app_config, "models_module", None) is None
        if stub:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if stub:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in PERMISSIONS
        ]
    )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
