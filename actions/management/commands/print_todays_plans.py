"""Queue today's printed plans for every review still open, so the first person to ask after midnight gets the file.

A printed plan carries its date (actions/plan/ready.py names each file by what it prints, today's date included),
so at midnight every ready plan is out of date and the first request of the day would answer "being prepared".
Run this from cron just after midnight (README "Printed plans ready each morning"); the worker prints.
"""

from django.core.management.base import BaseCommand

from actions.plan.ready import _queue_reviews
from reviews.models import Review


class Command(BaseCommand):
    help = "Queue today's printed plan (and every agency's extract) of each review not closed; the worker prints them."

    def handle(self, *args, **options):
        review_ids = frozenset(
            Review.objects.exclude(status=Review.Status.CLOSED)
            .filter(recommendations__actions__isnull=False)
            .values_list("pk", flat=True)
        )
        _queue_reviews(review_ids)  # a review whose print is already queued is not queued twice
        self.stdout.write(f"Queued today's plans of {len(review_ids)} review{'' if len(review_ids) == 1 else 's'}.")
