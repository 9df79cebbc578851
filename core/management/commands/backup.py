from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and uploaded files into a folder."

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="folder to write the backup into")

    def handle(self, *args, destination, **options):
        try:
            manifest = backup_create(destination=destination)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{n} {label}" for label, n in manifest["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"Backed up to {destination}: {counts}."))
