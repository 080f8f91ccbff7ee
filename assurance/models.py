"""Evidence, the board's assurance judgements, assurance requests and challenge events."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from actions.choices import AssuranceLevel
from actions.models import Action
from lscb.platform.history_records import HistoricalRecords
from lscb.platform.limits import Limit
from lscb.platform.values import short_date
from reviews import roles
from reviews.models import Agency, ScopedQuerySet

__all__ = ["AssuranceLevel"]


class EvidenceQuerySet(ScopedQuerySet):
    """The board (manager and chair) sees all evidence, withdrawn evidence too, as history; an agency
    lead sees their own agencies' evidence while it is not withdrawn."""

    agency_path = "action__agency"

    def for_lead(self, agency_ids):
        return super().for_lead(agency_ids).filter(withdrawn=False)

    def with_action(self):
        """What the evidence pages show beside it: its action, the action's review and agency, and who."""
        return self.select_related("action__recommendation__review", "action__agency", "uploaded_by", "reviewed_by")


class Evidence(models.Model):
    """Something an agency sends the board to show an action is done: a policy, an audit, a letter."""

    class ReviewState(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        MORE_REQUESTED = "more_requested", "More requested"

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=300)
    narrative = models.TextField(blank=True)
    produced_on = models.DateField("date the evidence was produced", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    review_state = models.CharField(max_length=20, choices=ReviewState.choices, default=ReviewState.SUBMITTED)
    review_note = models.TextField("board's comment", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Withdrawn evidence is hidden from lists but never deleted: the board
    # must be able to show what it was told and when.
    withdrawn = models.BooleanField(default=False)
    history = HistoricalRecords()

    objects = EvidenceQuerySet.as_manager()
    TEXT_LIMITS = {
        "title": Limit(300, "The title"),
        "narrative": Limit(10_000, "What the evidence shows"),
        "review_note": Limit(2_000, "The note to the agency"),
    }

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


def evidence_upload_to(instance: "EvidenceFile", filename: str) -> str:
    """A random name: the uploaded name is kept only as data, never used as a path."""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class EvidenceFileQuerySet(ScopedQuerySet):
    """Files of the evidence the user may see. Withdrawn files stay listed for the board as history,
    and vanish for agency leads."""

    def for_lead(self, agency_ids):
        return self.filter(evidence__in=Evidence.objects.for_lead(agency_ids), withdrawn=False)

    def for_download(self, user):
        """Files the user may fetch: a withdrawn file, or a file of withdrawn evidence, is the business
        manager's alone; to everyone else it is not there (404), though the chair still sees it listed."""
        files = self.for_user(user)
        return files if roles.is_manager(user) else files.filter(withdrawn=False, evidence__withdrawn=False)


class EvidenceFile(models.Model):
    """One file attached to a piece of evidence, stored under a random name with its checksum."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    withdrawn = models.BooleanField(default=False)
    history = HistoricalRecords()

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("assurance:evidence-download", args=[self.pk])


class EvidenceDownload(models.Model):
    """A log line: who downloaded which evidence file, when and from where. Append-only."""

    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"{self.user} downloaded {self.file} at {short_date(self.downloaded_at)}"


class AssuranceJudgementQuerySet(ScopedQuerySet):
    agency_path = "action__agency"


class AssuranceJudgement(models.Model):
    """The board's recorded view of whether it is assured that an action has been done and has made a difference."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="judgements")
    level = models.CharField(max_length=20, choices=AssuranceLevel.choices, default=AssuranceLevel.AWAITING)
    statement = models.TextField(help_text='For example "The board has been assured that …".')
    judged_on = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = AssuranceJudgementQuerySet.as_manager()
    TEXT_LIMITS = {"statement": Limit(5_000, "The assurance to the board")}

    class Meta:
        ordering = ["-judged_on", "-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} on {short_date(self.judged_on)}"


class AssuranceRequestQuerySet(ScopedQuerySet):
    """Requests are addressed to an agency: its lead sees them."""

    def unanswered(self):
        return self.filter(response_received_on__isnull=True)

    def no_response(self, today=None):
        return self.unanswered().filter(due_on__lt=today or timezone.localdate())


class AssuranceRequest(models.Model):
    """A letter or email asking an agency for assurance on some of its actions, with a reply-by date."""

    class State(models.TextChoices):
        OPEN = "open", "Awaiting reply"
        ANSWERED = "answered", "Answered"
        NO_RESPONSE = "no_response", "No response"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assurance_requests")
    actions = models.ManyToManyField(Action, related_name="assurance_requests")
    subject = models.CharField(max_length=300)
    message = models.TextField(blank=True)
    sent_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField("reply due by")
    response_received_on = models.DateField(null=True, blank=True)
    response_note = models.TextField(blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    # Proof of what was sent: the addresses the request went to, and the plan extracts attached.
    emailed_to = models.TextField(blank=True)
    attachments = models.TextField(blank=True, help_text="File names of the plan extracts attached to the email.")
    history = HistoricalRecords(m2m_fields=[actions])

    objects = AssuranceRequestQuerySet.as_manager()
    TEXT_LIMITS = {
        "subject": Limit(300, "The subject"),
        "message": Limit(10_000, "The message"),
        "response_note": Limit(10_000, "The response"),
    }

    class Meta:
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return self.subject

    @property
    def state(self) -> str:
        if self.response_received_on:
            return self.State.ANSWERED
        if self.due_on < timezone.localdate():
            return self.State.NO_RESPONSE
        return self.State.OPEN

    def get_state_display(self) -> str:
        return self.State(self.state).label


class ChaseQuerySet(ScopedQuerySet):
    """The chasers of the requests the user may see."""

    agency_path = "request__agency"


class Chase(models.Model):
    """A reminder sent to an agency that has not answered an assurance request."""

    class Method(models.TextChoices):
        EMAIL = "Email", "Email"
        TELEPHONE = "Telephone", "Telephone"
        LETTER = "Letter", "Letter"
        MEETING = "Meeting", "Meeting"

    request = models.ForeignKey(AssuranceRequest, on_delete=models.PROTECT, related_name="chases")
    chased_on = models.DateField(default=timezone.localdate)
    method = models.CharField(max_length=50, choices=Method.choices, default=Method.EMAIL)
    note = models.TextField(blank=True)
    chased_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    emailed_to = models.TextField(blank=True, help_text="The leads this chaser was emailed to, if any.")
    history = HistoricalRecords()

    objects = ChaseQuerySet.as_manager()
    TEXT_LIMITS = {"note": Limit(2_000, "The note")}

    class Meta:
        ordering = ["-chased_on", "-pk"]
        verbose_name_plural = "chases"

    def __str__(self) -> str:
        return f"Chase on {short_date(self.chased_on)}"


class ChallengeEventQuerySet(ScopedQuerySet):
    """An agency lead sees the events their agencies were invited to or were challenged at."""

    def for_lead(self, agency_ids):
        return self.filter(Q(agencies_invited__in=agency_ids) | Q(challenges__action__agency__in=agency_ids)).distinct()


class ChallengeEvent(models.Model):
    """A scrutiny and challenge session where agencies account to the board for their actions."""

    title = models.CharField(max_length=300)
    held_on = models.DateField()
    chair = models.CharField(max_length=200)
    agencies_invited = models.ManyToManyField(Agency, blank=True, related_name="challenge_invitations")
    agencies_attending = models.ManyToManyField(Agency, blank=True, related_name="challenge_attendances")
    notes = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[agencies_invited, agencies_attending])

    objects = ChallengeEventQuerySet.as_manager()
    TEXT_LIMITS = {
        "title": Limit(300, "The title"),
        "chair": Limit(200, "The chair's name"),
        "notes": Limit(10_000, "The notes"),
    }

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({short_date(self.held_on)})"


class ChallengeQuerySet(ScopedQuerySet):
    """The board sees every challenge; an agency lead sees the challenges on their own agencies' actions."""

    agency_path = "action__agency"


class Challenge(models.Model):
    """A challenge raised on one action at a challenge event, with the agency's response and the outcome."""

    event = models.ForeignKey(ChallengeEvent, on_delete=models.PROTECT, related_name="challenges")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="challenges")
    challenge = models.TextField()
    response = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = ChallengeQuerySet.as_manager()
    TEXT_LIMITS = {
        "challenge": Limit(5_000, "The challenge"),
        "response": Limit(5_000, "The agency's response"),
        "outcome": Limit(5_000, "The outcome"),
    }

    class Meta:
        ordering = ["event", "pk"]

    def __str__(self) -> str:
        return f"Challenge on {self.action_id}"


class ReminderDigestQuerySet(models.QuerySet):
    def for_user(self, user):
        """A reminder digest is its recipient's own."""
        return self.filter(user=user) if getattr(user, "is_authenticated", False) else self.none()


class ReminderDigest(models.Model):
    """The daily reminder email sent to one agency lead: at most one a day, so a re-run sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(default=timezone.localdate)
    sent_at = models.DateTimeField(auto_now_add=True)
    email = models.EmailField()
    counts = models.JSONField(default=dict, help_text="How many actions due, overdue, evidence returned, requests.")
    body = models.TextField()
    history = HistoricalRecords()

    objects = ReminderDigestQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_digest_a_day")]

    def __str__(self) -> str:
        return f"Reminder to {self.user} on {short_date(self.sent_on)}"
