"""python manage.py restore DIR [--force]: check a backup's checksums, then restore it into an empty database."""

from pathlib import Path

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from lscb.platform import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an EMPTY database and media storage. Every checksum is verified "
        "first; a non-empty target is refused unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR", help="a folder written by `manage.py backup`")
        parser.add_argument("--force", action="store_true", help="replace the tables and files already in the target")

    def handle(self, *args, folder: str, force: bool, **options):
        path = Path(folder)
        try:
            manifest = backup.read_verified_manifest(path)
            backup.check_target_is_empty(force)
            backup.restore_database(path, manifest, force)
            files = backup.restore_media(path, manifest)
            backup.check_counts(manifest)
            # Cached plans and dashboard figures describe the data that was replaced; a file cache
            # outlives the service's restart.
            cache.clear()
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {len(manifest['tables'])} tables ({rows} rows, counts checked) and {files} media files "
                f"from the backup of {manifest['created_at']}"
            )
        )
