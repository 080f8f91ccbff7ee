"""Email each agency lead one daily digest of what needs doing. Run it from cron once a day.

    python manage.py send_reminders [--dry-run]

Idempotent within a day: each digest is recorded (ReminderDigest, unique
on user and date), so a second run the same day sends nothing again. The
email itself is sent by the worker once the record is committed
(assurance.tasks.send_reminder_digest), retried there if the mail server is
down. A lead with nothing to report gets no email. --dry-run prints the
digests and records nothing.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from actions.choices import AMBER_WINDOW_DAYS
from actions.models import Action
from assurance import emails, tasks
from assurance.models import AssuranceRequest, Evidence, ReminderDigest
from lscb.platform.tasks import enqueue_on_commit
from reviews import roles
from reviews.models import Agency

log = logging.getLogger(__name__)
KINDS = ("overdue", "due", "returned", "requests")


def agency_sections(agency_ids: set[int], today: datetime.date) -> dict[int, dict]:
    """What each agency must hear about, in three queries whatever the number of leads."""
    sections = {pk: {kind: [] for kind in KINDS} for pk in agency_ids}
    actions = (
        Action.objects.to_do(today)
        .filter(agency__in=agency_ids)
        .select_related("recommendation__review")
        .order_by("due_date", "pk")
    )
    for action in actions:
        sections[action.agency_id]["overdue" if action.due_date < today else "due"].append(action)
    returned = Evidence.objects.filter(
        action__agency__in=agency_ids, review_state=Evidence.ReviewState.MORE_REQUESTED, withdrawn=False
    ).select_related("action__recommendation__review")
    for evidence in returned:
        sections[evidence.action.agency_id]["returned"].append(evidence)
    for request in AssuranceRequest.objects.filter(agency__in=agency_ids).unanswered().order_by("due_on", "pk"):
        sections[request.agency_id]["requests"].append(request)
    return sections


class Command(BaseCommand):
    help = (
        f"Email each agency lead one daily digest: actions overdue or due within {AMBER_WINDOW_DAYS} days "
        "(the lead's home page's to-do list), evidence returned, requests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print the digests; send and record nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        today = timezone.localdate()
        leads = list(
            get_user_model()
            .objects.filter(is_active=True, groups__name=roles.AGENCY_LEAD)
            .exclude(email="")
            .prefetch_related(Prefetch("led_agencies", queryset=Agency.objects.filter(active=True)))
            .order_by("username")
            .distinct()
        )
        agency_ids = {agency.pk for lead in leads for agency in lead.led_agencies.all()}
        sections = agency_sections(agency_ids, today)
        already = set(ReminderDigest.objects.filter(sent_on=today).values_list("user_id", flat=True))
        sent = skipped = failed = 0
        for lead in leads:
            digest = [
                {"agency": agency, **sections[agency.pk]}
                for agency in lead.led_agencies.all()
                if any(sections[agency.pk].values())
            ]
            if not digest:
                continue
            if lead.pk in already:
                skipped += 1
                continue
            try:
                sent += self.send(lead, digest, today, dry_run)
            except Exception as exc:  # one lead's mail failure must not stop the others' reminders
                failed += 1
                log.exception("Reminder digest to %s could not be recorded", lead.email)
                self.stderr.write(f"Could not record the digest to {lead.email}: {exc!r}")
        verb = "Would send" if dry_run else "Queued"
        self.stdout.write(f"{verb} {sent} reminder digest(s); {skipped} lead(s) already had today's.")
        if failed:
            raise CommandError(f"{failed} digest(s) could not be recorded; they will be retried on the next run.")

    def send(self, lead, digest: list[dict], today: datetime.date, dry_run: bool) -> int:
        email = emails.reminder_email(lead, {"sections": digest, "window": AMBER_WINDOW_DAYS})
        counts = {kind: sum(len(section[kind]) for section in digest) for kind in KINDS}
        if dry_run:
            self.stdout.write(f"--- To {lead.email} ({counts}) ---\n{email.body}")
            return 1
        try:
            with transaction.atomic():
                record = ReminderDigest(user=lead, sent_on=today, email=lead.email, counts=counts, body=email.body)
                record._history_user = None  # the daily job, not a person
                record.save()
                enqueue_on_commit(tasks.send_reminder_digest, record.pk)
        except IntegrityError:
            return 0  # another run sent today's digest a moment ago
        return 1
