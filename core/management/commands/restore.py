from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder into the configured database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="a folder written by `manage.py backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already has people"
        )

    def handle(self, *args, source, force=False, **options):
        try:
            counts = backup_restore(source=source, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{n} {label}" for label, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored from {source}: {summary}."))
