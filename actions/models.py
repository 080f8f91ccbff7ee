"""Actions that agencies commit to, and the progress updates made on them."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from actions.choices import (
    AMBER_WINDOW_DAYS,
    AWAITING_EVIDENCE,
    CLOSED_STATUSES,
    DONE_STATUSES,
    OPEN_STATUSES,
    REASON_REQUIRED,
    ActionStatus,
    AssuranceLevel,
    Rag,
)
from lscb.platform.history_records import HistoricalRecords
from lscb.platform.limits import Limit
from lscb.platform.values import short_date, shortened
from reviews.models import Agency, Recommendation, Review, ScopedQuerySet


def rag_for(status: str, due_date: datetime.date | None, today: datetime.date) -> str:
    """The RAG colour of an action. Mirrors ActionQuerySet.with_rag(), which must agree with it."""
    if status == ActionStatus.EMBEDDED:
        return Rag.BLUE
    if status in CLOSED_STATUSES:
        return Rag.GREY
    if status in DONE_STATUSES:
        return Rag.GREEN
    if due_date is not None and due_date < today:
        return Rag.RED
    if status == ActionStatus.ON_HOLD:
        return Rag.AMBER
    if due_date is not None and due_date <= today + datetime.timedelta(days=AMBER_WINDOW_DAYS):
        return Rag.AMBER
    return Rag.GREEN


class ActionQuerySet(ScopedQuerySet):
    """Managers and chairs see every action; an agency lead sees their own agencies' actions only."""

    # Action.review is a copy of its recommendation's review, kept for the list's speed and not in the
    # history: the change log reaches an action's history rows' boards through the recommendation.
    history_review_path = "recommendation__review"

    def with_recommendation(self):
        """What an action's pages show beside it: its recommendation, review and agencies."""
        return self.select_related("recommendation__review", "recommendation__agency", "agency")

    def overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(status__in=OPEN_STATUSES, due_date__lt=today)

    def awaiting_evidence(self):
        """Done, awaiting evidence (choices.AWAITING_EVIDENCE): the dashboard counts these, a lead's page lists them."""
        return self.filter(status=AWAITING_EVIDENCE)

    def to_do(self, today: datetime.date | None = None):
        """An agency lead's to-do list: the lead's home page and the daily reminder email list exactly these."""
        return self.filter(to_do_condition(today or timezone.localdate()))

    def with_rag(self, today: datetime.date | None = None):
        """Annotate `rag_value`, the same colour as Action.rag, so lists can filter and count by it."""
        today = today or timezone.localdate()
        amber_by = today + datetime.timedelta(days=AMBER_WINDOW_DAYS)
        return self.annotate(rag_value=Case(*rag_whens(today, amber_by), default=Value(Rag.GREEN)))

    def rag(self, colour: str, today: datetime.date | None = None):
        return self.with_rag(today).filter(rag_value=colour)

    def evaluation_overdue(self, today: datetime.date | None = None):
        """Actions whose impact should have been evaluated by now (evaluate-by date passed) and has not been."""
        today = today or timezone.localdate()
        evaluated = ImpactEvaluation.objects.filter(action=OuterRef("pk"))
        return self.filter(evaluate_by__lt=today).exclude(Exists(evaluated))


def recommendations_evaluation_overdue(recommendations, today: datetime.date | None = None):
    """Of these recommendations, those whose evaluate-by date has passed with no evaluation of the whole
    recommendation recorded (an action's own evaluation speaks for that action only)."""
    today = today or timezone.localdate()
    evaluated = ImpactEvaluation.objects.filter(recommendation=OuterRef("pk"), action__isnull=True)
    return recommendations.filter(evaluate_by__lt=today).exclude(Exists(evaluated))


def to_do_condition(today: datetime.date) -> Q:
    """An agency lead's to-do list (ActionQuerySet.to_do): open actions overdue or due within the amber window.

    The window is the RAG's (AMBER_WINDOW_DAYS, 30 days): an action the plan and dashboard show amber
    for its date is on the lead's list and in the email the day it turns amber, never two weeks later.
    """
    return Q(status__in=OPEN_STATUSES, due_date__lte=today + datetime.timedelta(days=AMBER_WINDOW_DAYS))


def rag_whens(today: datetime.date, amber_by: datetime.date) -> list[When]:
    return [
        When(status=ActionStatus.EMBEDDED, then=Value(Rag.BLUE)),
        When(status__in=CLOSED_STATUSES, then=Value(Rag.GREY)),
        When(status__in=DONE_STATUSES, then=Value(Rag.GREEN)),
        When(due_date__lt=today, then=Value(Rag.RED)),
        When(Q(status=ActionStatus.ON_HOLD) | Q(due_date__lte=amber_by), then=Value(Rag.AMBER)),
    ]


class Action(models.Model):
    """Something an agency has committed to do in answer to a recommendation."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="actions")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text="Defaults to the recommendation's agency.",
    )
    description = models.TextField("action")
    lead_officer = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    status_reason = models.TextField(
        blank=True, help_text="Why the action is on hold or not accepted. Required for those statuses."
    )
    progress = models.TextField("action taken / progress", blank=True)
    completed_on = models.DateField("completion date", null=True, blank=True)
    # The board's current view, kept in step with the latest assurance judgement
    # by assurance.services so that lists can filter and count on it cheaply.
    assurance_level = models.CharField(max_length=20, choices=AssuranceLevel.choices, default=AssuranceLevel.AWAITING)
    assurance_statement = models.TextField("assurance to the board", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The recommendation's review, copied here (by save(), and by keep_review_in_step() when a
    # recommendation moves) so that counting one review's actions reads an index of this table
    # rather than joining every action to its recommendation. Derived, so not in the history.
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="+", editable=False)
    # Impact, where the action is finer than its recommendation (DESIGN.md §11).
    intended_outcome = models.TextField(blank=True, help_text="What should be different when this action has worked.")
    impact_measure = models.TextField(
        "how impact will be measured", blank=True, help_text="For example, a re-audit, a practitioner survey or data."
    )
    evaluate_by = models.DateField("evaluate impact by", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["review"])

    objects = ActionQuerySet.as_manager()
    TEXT_LIMITS = {
        "description": Limit(5_000, "The action"),
        "lead_officer": Limit(200, "The lead officer"),
        "status_reason": Limit(2_000, "The reason"),
        "progress": Limit(10_000, "Progress"),  # the newest progress update, copied
        "assurance_statement": Limit(5_000, "The assurance to the board"),  # the newest judgement's, copied
        "intended_outcome": Limit(2_000, "The intended outcome"),
        "impact_measure": Limit(2_000, "How impact will be measured"),
    }

    class Meta:
        ordering = ["recommendation__review", "recommendation__sort_key", "pk"]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"{self.recommendation.number}: {shortened(self.description, 60)}"  # a change log or admin line

    def save(self, *args, **kwargs):
        if self.agency_id is None and self.recommendation_id is not None:
            self.agency_id = self.recommendation.agency_id
        if self.recommendation_id is not None:
            self.review_id = self.recommendation.review_id
        if kwargs.get("update_fields") is not None and "recommendation" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "review"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("actions:detail", args=[self.pk])

    def board_ids(self, known=None) -> frozenset[int]:
        return self.recommendation.review.board_ids(known)

    @property
    def rag(self) -> str:
        return rag_for(self.status, self.due_date, timezone.localdate())

    def get_rag_display(self) -> str:
        return Rag(self.rag).label

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    def status_problem(self, status: str, reason: str = "") -> str:
        """Why the action cannot move to `status` ("" when it can): the one rule for every status change.

        On hold and Not accepted need a reason. Embedded means practice has changed, so it needs an
        impact evaluation judged "impact evidenced", of this action or of its whole recommendation.
        """
        if status in REASON_REQUIRED and not reason.strip():
            return f'Enter the reason the action is "{ActionStatus(status).label}"'
        if status == ActionStatus.EMBEDDED and self.status != ActionStatus.EMBEDDED and not self.impact_evidenced():
            return (
                '"Embedded" needs an impact evaluation judged "impact evidenced" (a re-audit, survey or data showing '
                "practice changed). Record the evaluation first; the status has not changed"
            )
        return ""

    def impact_evidenced(self) -> bool:
        return ImpactEvaluation.objects.of_action(self).filter(judgement=ImpactEvaluation.Judgement.EVIDENCED).exists()


class ProgressUpdateQuerySet(ScopedQuerySet):
    """The progress of the actions the user may see."""

    agency_path = "action__agency"
    review_path = "action__review"


class ProgressUpdate(models.Model):
    """A dated note of what an agency has done on an action. Updates are added, never overwritten."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="progress_updates")
    text = models.TextField("progress")
    written_on = models.DateField(default=timezone.localdate)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ProgressUpdateQuerySet.as_manager()
    TEXT_LIMITS = {"text": Limit(10_000, "Progress")}

    class Meta:
        ordering = ["-written_on", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Progress on {self.action_id} ({short_date(self.written_on)})"


def keep_review_in_step(sender, instance, **kwargs) -> None:
    """A recommendation saved into another review takes its actions along (Action.review).

    Connected to Recommendation's post_save (ActionsConfig.ready): the copy belongs to this
    table, so it is kept here, right after the move (in its transaction, when it has one).
    """
    if instance.moved:
        Action.objects.filter(recommendation=instance).exclude(review_id=instance.review_id).update(
            review_id=instance.review_id
        )


class ImpactEvaluationQuerySet(ScopedQuerySet):
    """The board sees every evaluation; an agency lead those of their agencies' actions, and those of a
    whole recommendation addressed to one of their agencies."""

    review_path = "recommendation__review"
    agency_path = "recommendation__agency"

    def for_lead(self, agency_ids):
        return self.filter(
            Q(action__agency__in=agency_ids) | Q(action__isnull=True, recommendation__agency__in=agency_ids)
        )

    def of_action(self, action: "Action"):
        """Evaluations that speak for this action: its own, and its recommendation's as a whole."""
        own = Q(action_id=action.pk) if action.pk is not None else Q(pk__in=[])  # a new action has none of its own
        return self.filter(own | Q(action__isnull=True, recommendation_id=action.recommendation_id))


class ImpactEvaluation(models.Model):
    """The board's evaluation of whether a recommendation (or one action) changed practice: what was found,
    the judgement, and the evidence (a re-audit, a practitioner survey, data). Completion is not impact."""

    class Judgement(models.TextChoices):
        EVIDENCED = "evidenced", "Impact evidenced"
        PARTLY = "partly", "Impact partly evidenced"
        NOT_YET = "not_yet", "Impact not yet evidenced"
        NOT_EVIDENCED = "not_evidenced", "Impact not evidenced"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="evaluations")
    action = models.ForeignKey(
        Action,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        help_text="Leave empty to evaluate the whole recommendation.",
    )
    evaluated_on = models.DateField("date evaluated", default=timezone.localdate)
    findings = models.TextField("what was found")
    judgement = models.CharField(max_length=20, choices=Judgement.choices)
    evidence_links = models.TextField(
        "links to evidence", blank=True, help_text="One web address or document reference a line."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ImpactEvaluationQuerySet.as_manager()
    TEXT_LIMITS = {"findings": Limit(10_000, "What was found"), "evidence_links": Limit(5_000, "The links to evidence")}

    class Meta:
        ordering = ["-evaluated_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_judgement_display()} ({short_date(self.evaluated_on)})"

    def board_ids(self, known=None) -> frozenset[int]:
        return self.recommendation.review.board_ids(known)

    @property
    def links(self) -> list[tuple[str, bool]]:
        """Each line of the links, and whether it is a web address (shown as a link) or a reference."""
        lines = [line.strip() for line in self.evidence_links.splitlines() if line.strip()]
        return [(line, line.startswith(("https://", "http://"))) for line in lines]


class ListExport(models.Model):
    """A PDF of the filtered action list, printed by the worker for the person who asked (DESIGN.md §13).

    It keeps the list's validated filter (its query string) and the requester: the task re-runs that
    filter over the requester's scope, and only the requester may see the progress page or download it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    query = models.TextField(blank=True, help_text="The action list's filter, as its query string.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Action list PDF {self.pk} ({self.get_status_display()})"
