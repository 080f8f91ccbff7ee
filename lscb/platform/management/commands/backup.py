"""python manage.py backup DIR: a consistent database dump, the media files and a checksummed manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lscb.platform import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc, or SQLite's backup API) and the media files into a new folder DIR."

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR", help="a new or empty folder for this backup")

    def handle(self, *args, folder: str, **options):
        try:
            manifest = backup.write_backup(Path(folder))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(manifest['tables'])} tables ({rows} rows) and {len(manifest['files']) - 1} "
                f"media files to {folder}"
            )
        )
