"""python manage.py prune_security_log [--days N] [--dry-run]: remove security events past their retention."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from lscb.platform.models import SecurityEvent


class Command(BaseCommand):
    help = (
        "Delete security-log events older than LSCB_SECURITY_LOG_DAYS (or --days). The log names people and "
        "their addresses, so it is kept no longer than the board's retention schedule says. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep this many days (at least 30)")
        parser.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")

    def handle(self, *args, days: int | None, dry_run: bool, **options):
        days = settings.LSCB_SECURITY_LOG_DAYS if days is None else days
        if days < 30:
            raise CommandError(f"--days must be at least 30, not {days}: nothing deleted", returncode=2)
        cutoff = timezone.now() - datetime.timedelta(days=days)
        old = SecurityEvent.objects.filter(at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"{old.count()} security events are older than {days} days; nothing deleted (dry run)")
            return
        with transaction.atomic():
            deleted, _ = old.delete()
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} security events older than {days} days"))
