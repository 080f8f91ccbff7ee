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
from reviews.models import Agency, Board, Review, ScopedQuerySet

__all__ = ["AssuranceLevel"]


class EvidenceQuerySet(ScopedQuerySet):
    """The board (manager and chair) sees all evidence, withdrawn evidence too, as history; an agency
    lead sees their own agencies' evidence while it is not withdrawn."""

    agency_path = "action__agency"
    review_path = "action__review"

    def for_lead(self, agency_ids):
        return super().for_lead(agency_ids).filter(withdrawn=False)

    def awaiting_review(self):
        """Evidence the board has still to review: submitted, neither accepted nor returned, nor withdrawn."""
        return self.filter(review_state=Evidence.ReviewState.SUBMITTED, withdrawn=False)

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

    def board_ids(self, known=None) -> frozenset[int]:
        return self.action.board_ids(known)


def evidence_upload_to(instance: "EvidenceFile", filename: str) -> str:
    """A random name: the uploaded name is kept only as data, never used as a path."""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class EvidenceFileQuerySet(ScopedQuerySet):
    """Files of the evidence the user may see. Withdrawn files stay listed for the board as history,
    and vanish for agency leads."""

    review_path = "evidence__action__review"

    def for_lead(self, agency_ids):
        return self.filter(evidence__in=Evidence.objects.for_lead(agency_ids), withdrawn=False)

    def for_download(self, user):
        """Files the user may fetch: a withdrawn file, or a file of withdrawn evidence, is the business
        manager's alone; to everyone else it is not there (404), though the chair still sees it listed."""
        files = self.for_user(user)
        managed = roles.scope_of(user).boards_with(roles.MANAGER)
        on_show = Q(withdrawn=False, evidence__withdrawn=False)
        return (
            files.filter(on_show | Q(pk__in=self.on_boards(managed).values("pk"))) if managed else files.filter(on_show)
        )


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
    review_path = "action__review"


class AssuranceJudgement(models.Model):
    """The board's recorded view of whether it is assured that an action has been done and has made a difference."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="judgements")
    level = models.CharField(max_length=20, choices=AssuranceLevel.choices, default=AssuranceLevel.AWAITING)
    statement = models.TextField(help_text='For example "The board has been assured that …".')
    # Empty only for a judgement imported from a plan without its date (the file's `assurance_date`):
    # the board made it on a day nobody recorded, so it stays out of the dashboard's monthly trend.
    judged_on = models.DateField(default=timezone.localdate, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The plan file a judgement was imported from: then `recorded_by` imported it, and did not judge.
    imported_from = models.CharField(max_length=255, blank=True)
    history = HistoricalRecords()

    objects = AssuranceJudgementQuerySet.as_manager()
    TEXT_LIMITS = {"statement": Limit(5_000, "The assurance to the board")}

    class Meta:
        # Newest first; an undated (imported) judgement after every dated one on both databases.
        ordering = [models.F("judged_on").desc(nulls_last=True), "-recorded_at", "-pk"]

    def __str__(self) -> str:
        if self.judged_on is None:
            return f"{self.get_level_display()} (imported, date unknown)"
        return f"{self.get_level_display()} on {short_date(self.judged_on)}"


class AssuranceRequestQuerySet(ScopedQuerySet):
    """Requests are addressed to an agency: its lead sees them. A request is its board's."""

    board_path = "board"

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

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="assurance_requests")
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

    def board_ids(self, known=None) -> frozenset[int]:
        return frozenset({self.board_id})

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
    board_path = "request__board"


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
    """An agency lead sees the events their agencies were invited to or were challenged at. An event is its board's."""

    board_path = "board"

    def for_lead(self, agency_ids):
        return self.filter(Q(agencies_invited__in=agency_ids) | Q(challenges__action__agency__in=agency_ids)).distinct()


class ChallengeEvent(models.Model):
    """A scrutiny and challenge session where agencies account to the board for their actions."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="challenge_events")
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

    def board_ids(self, known=None) -> frozenset[int]:
        return frozenset({self.board_id})


class ChallengeQuerySet(ScopedQuerySet):
    """The board sees every challenge; an agency lead sees the challenges on their own agencies' actions."""

    agency_path = "action__agency"
    board_path = "event__board"


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


class AnnualReport(models.Model):
    """The board's annual report pack for one reporting year, as a Word document or a PDF, written by the worker
    (DESIGN.md §11, §13) from the record of one board as its requester sees it. Only the requester may watch or
    download it, while they are the manager, chair or scrutineer of that board."""

    class Kind(models.TextChoices):
        FINANCIAL = "financial", "Financial year (April to March)"
        CALENDAR = "calendar", "Calendar year"

    class Format(models.TextChoices):
        DOCX = "docx", "Word document (.docx)"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="annual_reports")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FINANCIAL)
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.DOCX)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="How long the worker took to write it.")
    content = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Annual report {self.year} ({self.get_format_display()}, {self.get_status_display()})"

    def board_ids(self, known=None) -> frozenset[int]:
        return frozenset({self.board_id})

    @property
    def file_name(self) -> str:
        label = f"{self.year}" if self.kind == self.Kind.CALENDAR else f"{self.year}-{(self.year + 1) % 100:02d}"
        return f"annual-report-{self.board.slug}-{label}.{self.format}"


class SubgroupQuerySet(ScopedQuerySet):
    """A board's subgroups and their meetings are the board's own business: its manager, chairs and
    scrutineers read them; an agency lead sees none (404)."""

    board_path = "board"

    def for_lead(self, agency_ids):
        return self.none()


class Subgroup(models.Model):
    """A subgroup of the board that oversees review action plans at its meetings: the case review subgroup,
    the quality assurance subgroup. The business manager records its meeting dates."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="subgroups")
    name = models.CharField(max_length=200, help_text="For example, “Case review subgroup”.")
    history = HistoricalRecords()

    objects = SubgroupQuerySet.as_manager()
    TEXT_LIMITS = {"name": Limit(200, "The subgroup's name")}

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["board", "name"], name="one_subgroup_name_per_board")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assurance:subgroup", args=[self.pk])

    def board_ids(self, known=None) -> frozenset[int]:
        return frozenset({self.board_id})


class MeetingQuerySet(SubgroupQuerySet):
    board_path = "subgroup__board"


class Meeting(models.Model):
    """One meeting of a subgroup, on a date; its meeting pack lists what the subgroup discusses."""

    subgroup = models.ForeignKey(Subgroup, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("date of the meeting")
    note = models.TextField(blank=True, help_text="Optional: the venue, or what the meeting will focus on.")
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()
    TEXT_LIMITS = {"note": Limit(2_000, "The note")}

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subgroup.name}, {short_date(self.held_on)}"

    def board_ids(self, known=None) -> frozenset[int]:
        return self.subgroup.board_ids(known)

    def previous(self) -> "Meeting | None":
        """The subgroup's meeting before this one: "since the last meeting" starts there."""
        return self.subgroup.meetings.filter(held_on__lt=self.held_on).order_by("-held_on", "-pk").first()

    def following(self) -> "Meeting | None":
        """The subgroup's next meeting after this one: "due before the next meeting" ends there."""
        return self.subgroup.meetings.filter(held_on__gt=self.held_on).order_by("held_on", "pk").first()


class MeetingPackQuerySet(SubgroupQuerySet):
    board_path = "meeting__subgroup__board"


class MeetingPack(models.Model):
    """The papers for one meeting of a subgroup, as a PDF and a Word document, written by the worker
    (DESIGN.md §13): what is overdue, due, changed, awaiting the board, on hold or not accepted, unanswered,
    and the dashboard's figures, for the reviews chosen. Everyone who reads the whole board may download it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    reviews = models.ManyToManyField(Review, related_name="+")
    since = models.DateField("changes since", help_text="Usually the date of the subgroup's last meeting.")
    until = models.DateField("due before", help_text="The subgroup's next meeting, or six weeks on.")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="How long the worker took to write it.")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    docx = models.BinaryField(null=True, blank=True, editable=False)

    objects = MeetingPackQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Meeting pack for {self.meeting} ({self.get_status_display()})"

    def board_ids(self, known=None) -> frozenset[int]:
        return self.meeting.board_ids(known)

    def file_name(self, kind: str) -> str:
        return f"meeting-pack-{self.meeting.held_on:%Y-%m-%d}.{kind}"
