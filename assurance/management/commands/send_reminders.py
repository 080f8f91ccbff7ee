"""Email each agency lead one daily digest of what needs doing, and each business manager one of the reviews'
milestones due soon or overdue (DESIGN.md §10). Run it from cron once a day.

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
from collections import defaultdict
from itertools import groupby

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
from reviews import clocks, roles
from reviews.models import DUE_SOON_WORKING_DAYS, Agency, Membership, Milestone, Review, refresh_milestones

log = logging.getLogger(__name__)
KINDS = ("overdue", "due", "returned", "requests")


def agency_sections(agency_ids: set[int], today: datetime.date) -> dict[int, dict]:
    """What each agency must hear about, each item with the boards it belongs to (a joint review's
    to each of its boards): four queries whatever the number of leads and boards."""
    sections = {pk: {kind: [] for kind in KINDS} for pk in agency_ids}
    partners = defaultdict(set)
    for review_id, board_id in Review.partner_boards.through.objects.values_list("review_id", "board_id"):
        partners[review_id].add(board_id)

    def boards(review) -> set[int]:
        return {review.board_id, *partners[review.pk]}

    actions = (
        Action.objects.to_do(today)
        .filter(agency__in=agency_ids)
        .select_related("recommendation__review")
        .order_by("due_date", "pk")
    )
    for action in actions:
        kind = "overdue" if action.due_date < today else "due"
        sections[action.agency_id][kind].append((boards(action.recommendation.review), action))
    returned = Evidence.objects.filter(
        action__agency__in=agency_ids, review_state=Evidence.ReviewState.MORE_REQUESTED, withdrawn=False
    ).select_related("action__recommendation__review")
    for evidence in returned:
        sections[evidence.action.agency_id]["returned"].append(
            (boards(evidence.action.recommendation.review), evidence)
        )
    for request in AssuranceRequest.objects.filter(agency__in=agency_ids).unanswered().order_by("due_on", "pk"):
        sections[request.agency_id]["requests"].append(({request.board_id}, request))
    return sections


def refresh_all_milestones() -> None:
    """Count every open review's due dates again: a rule an administrator changed, or a bank holiday the
    library added, moves them before anyone is reminded."""
    for review in Review.objects.exclude(status=Review.Status.CLOSED).order_by("pk").iterator():
        refresh_milestones(review)


def section_for(sections: dict, board_id: int, agency_id: int) -> dict:
    """One (board, agency) pair's part of its agency's section."""
    return {kind: [item for boards, item in sections[agency_id][kind] if board_id in boards] for kind in KINDS}


class Command(BaseCommand):
    help = (
        f"Email each agency lead one daily digest: actions overdue or due within {AMBER_WINDOW_DAYS} days "
        "(the lead's home page's to-do list), evidence returned, requests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print the digests; send and record nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        today = timezone.localdate()
        if not dry_run:
            refresh_all_milestones()
        memberships = list(
            Membership.objects.filter(role=roles.LEAD, user__is_active=True)
            .exclude(user__email="")
            .select_related("user", "board")
            .prefetch_related(Prefetch("agencies", queryset=Agency.objects.filter(active=True)))
            .order_by("user__username", "board__name")
        )
        agency_ids = {agency.pk for membership in memberships for agency in membership.agencies.all()}
        sections = agency_sections(agency_ids, today)
        already = set(ReminderDigest.objects.filter(sent_on=today).values_list("user_id", flat=True))
        sent = skipped = failed = 0
        for lead, theirs in groupby(memberships, key=lambda membership: membership.user):
            theirs = list(theirs)
            several = len({membership.board_id for membership in theirs}) > 1
            digest = [
                {"agency": agency, "board": membership.board if several else None, **part}
                for membership in theirs
                for agency in membership.agencies.all()
                if any((part := section_for(sections, membership.board_id, agency.pk)).values())
            ]
            if not digest:
                continue
            if lead.pk in already:
                skipped += 1
                continue
            try:
                sent += self.send(lead, digest, today, dry_run, None if several else theirs[0].board)
            except Exception as exc:  # one lead's mail failure must not stop the others' reminders
                failed += 1
                log.exception("Reminder digest to %s could not be recorded", lead.email)
                self.stderr.write(f"Could not record the digest to {lead.email}: {exc!r}")
        verb = "Would send" if dry_run else "Queued"
        self.stdout.write(f"{verb} {sent} reminder digest(s); {skipped} lead(s) already had today's.")
        failed += self.send_milestone_digests(today, dry_run)
        if failed:
            raise CommandError(f"{failed} digest(s) could not be recorded; they will be retried on the next run.")

    def send_milestone_digests(self, today: datetime.date, dry_run: bool) -> int:
        """Each business manager: the milestones of their boards' reviews overdue or due within five
        working days. Returns failures."""
        milestones = list(
            Milestone.objects.open()
            .filter(due_on__lte=clocks.add_working_days(today, DUE_SOON_WORKING_DAYS))
            .exclude(review__status=Review.Status.CLOSED)
            .select_related("review__board")
            .order_by("due_on", "review__reference", "order")
        )
        if not milestones:
            return 0
        partners = defaultdict(set)
        for review_id, board_id in Review.partner_boards.through.objects.values_list("review_id", "board_id"):
            partners[review_id].add(board_id)
        managed = defaultdict(set)
        for user_id, board_id in (
            Membership.objects.filter(role=roles.MANAGER, user__is_active=True)
            .exclude(user__email="")
            .values_list("user_id", "board_id")
        ):
            managed[user_id].add(board_id)
        managers = get_user_model().objects.filter(pk__in=managed).order_by("username")
        sent = failed = 0
        already = set(ReminderDigest.objects.filter(sent_on=today).values_list("user_id", flat=True))
        for manager in managers:
            theirs = [m for m in milestones if managed[manager.pk] & {m.review.board_id, *partners[m.review_id]}]
            if manager.pk in already or not theirs:
                continue
            boards = {m.review.board for m in theirs}
            try:
                email = emails.milestone_reminder_email(
                    manager, theirs, today, next(iter(boards)) if len(boards) == 1 else None
                )
                sent += self.send(manager, None, today, dry_run, email=email, counts={"milestones": len(theirs)})
            except Exception as exc:
                failed += 1
                log.exception("Milestone digest to %s could not be recorded", manager.email)
                self.stderr.write(f"Could not record the milestone digest to {manager.email}: {exc!r}")
        self.stdout.write(f"{'Would send' if dry_run else 'Queued'} {sent} milestone digest(s).")
        return failed

    def send(self, lead, digest, today: datetime.date, dry_run: bool, board=None, email=None, counts=None) -> int:
        if email is None:
            email = emails.reminder_email(lead, {"sections": digest, "window": AMBER_WINDOW_DAYS}, board)
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
