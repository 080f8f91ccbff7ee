"""Agencies, learning themes, reviews and their recommendations."""

import datetime
import operator
import re
from functools import reduce

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lscb.platform.history_records import HistoricalRecords
from lscb.platform.limits import Limit
from reviews import clocks, roles

_DIGITS = re.compile(r"(\d+)")


def natural_sort_key(number: str) -> str:
    """A string that sorts recommendation numbers as people read them: 6.9 < 6.10 < 7.1.

    Runs of digits are zero-padded so the database can order on a plain
    string column, on SQLite and PostgreSQL alike.
    """
    parts = _DIGITS.split(number.strip().rstrip(".").lower())
    return "".join(part.zfill(8) if part.isdigit() else part for part in parts)[:200]


class ScopedQuerySet(models.QuerySet):
    """The one scoping rule (DESIGN.md §4 and §9), shared by every scoped model's `for_user()`.

    A row belongs to boards: through its review (`review_path`, e.g. "action__review"), whose lead
    board and partner boards each see it whole, or directly (`board_path`, e.g. "board" for a
    challenge event). A manager, chair or scrutineer sees every row of their boards; an agency lead
    sees, on each board where they lead, the rows of their agencies there, reached through
    `agency_path` (e.g. "action__agency"). A model with a different rule for leads overrides
    `for_lead()`. Anything outside answers 404 on its pages. The cost does not grow with the number
    of boards or memberships: one clause for the whole boards, one per distinct set of led agencies.
    """

    agency_path = "agency"
    review_path = "review"
    board_path: str | None = None

    def on_boards(self, board_ids):
        """The rows of these boards (a joint review's rows belong to its lead and partner boards)."""
        if self.board_path:
            return self.filter(**{f"{self.board_path}__in": board_ids})
        reviews = Review.objects.filter(models.Q(board__in=board_ids) | models.Q(partner_boards__in=board_ids))
        return self.filter(**{f"{self.review_path}__in": reviews.values("pk")})

    def for_user(self, user):
        scope = roles.scope_of(user)
        whole = [self.on_boards(scope.whole_boards)] if scope.whole_boards else []
        return self._any_of(whole + self._led_parts(scope.lead_groups()))

    def led_by(self, user, board_ids=None):
        """Only what the user sees as an agency lead: their (board, agency) pairs ("Your agency's actions"),
        those on `board_ids` if given (the board in view)."""
        groups = roles.scope_of(user).lead_groups(beside_whole_boards=True, board_ids=board_ids)
        return self._any_of(self._led_parts(groups))

    def _led_parts(self, groups) -> list:
        return [self.on_boards(boards).for_lead(agency_ids) for agency_ids, boards in groups.items()]

    def _any_of(self, parts):
        if not parts:
            return self.none()
        if len(parts) == 1:
            return parts[0]
        return self.filter(reduce(operator.or_, (models.Q(pk__in=part.values("pk")) for part in parts)))

    def for_lead(self, agency_ids):
        return self.filter(**{f"{self.agency_path}__in": agency_ids})


class AgencyQuerySet(ScopedQuerySet):
    """Agencies are shared by every board: the people who see a whole board see every agency (a review
    may address one that is not yet listed among the board's partners); a lead sees the agencies they
    lead, on any board."""

    agency_path = "pk"

    def on_boards(self, board_ids):
        return self


class Agency(models.Model):
    """A partner organisation that the board seeks assurance from: police, a hospital trust, schools…"""

    class Sector(models.TextChoices):
        SOCIAL_CARE = "social_care", "Children's social care"
        HEALTH = "health", "Health"
        POLICE = "police", "Police"
        EDUCATION = "education", "Education"
        PROBATION = "probation", "Probation"
        LEGAL = "legal", "Legal and courts"
        VOLUNTARY = "voluntary", "Voluntary sector"
        PARTNERSHIP = "partnership", "Safeguarding partnership"
        NATIONAL = "national", "National body"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, default=Sector.OTHER)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    objects = AgencyQuerySet.as_manager()
    TEXT_LIMITS = {"name": Limit(200, "The agency's name"), "short_name": Limit(50, "The short name")}

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    def board_ids(self, known=None) -> None:
        """Agencies are shared by every board (DESIGN.md §9): a permission about one asks about any board."""
        return None


def _default_marking() -> str:
    return settings.PROTECTIVE_MARKING


class BoardQuerySet(models.QuerySet):
    def for_user(self, user):
        """The boards where the user holds a role."""
        return self.filter(pk__in=[seat.pk for seat in roles.scope_of(user).boards])


class Board(models.Model):
    """A statutory body the business unit supports (DESIGN.md §9): it owns its reviews, members,
    dashboard, annual report, name and protective marking. Agencies are shared between boards."""

    class Kind(models.TextChoices):
        CHILDREN = "children", "Safeguarding children partnership"
        ADULTS = "adults", "Safeguarding adults board"
        COMMUNITY_SAFETY = "community_safety", "Community safety partnership"
        JOINT = "joint", "Joint or all-age board"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, blank=True, help_text='Shown in the board switcher, e.g. "NSCP".')
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHILDREN)
    slug = models.SlugField(max_length=50, unique=True, help_text="Used in web addresses: ?board=<slug>.")
    protective_marking = models.CharField(
        max_length=50, default=_default_marking, help_text="Printed on every page, plan and email of this board."
    )
    contact_details = models.TextField(
        blank=True, help_text="The business unit's address, telephone and email, printed on plans and reports."
    )
    website = models.URLField(blank=True)
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="boards", help_text="The partner agencies of this board."
    )
    history = HistoricalRecords(m2m_fields=[agencies])

    objects = BoardQuerySet.as_manager()
    TEXT_LIMITS = {
        "name": Limit(200, "The board's name"),
        "short_name": Limit(50, "The short name"),
        "protective_marking": Limit(50, "The protective marking"),
        "contact_details": Limit(2_000, "The contact details"),
    }

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def board_ids(self, known=None) -> frozenset[int]:
        return frozenset({self.pk})

    def clean(self):
        if len(self.protective_marking.splitlines()) > 1:
            raise ValidationError(
                {"protective_marking": "The protective marking must be one line: it goes into emails' subjects"}
            )


class Membership(models.Model):
    """A person's role on a board; an agency lead's membership names the agencies they lead there."""

    Role = models.TextChoices("Role", [(code, label) for code, label in roles.ROLE_CHOICES])

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=roles.ROLE_CHOICES)
    agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="lead_memberships",
        help_text="For an agency lead: the agencies they lead on this board.",
    )
    history = HistoricalRecords(m2m_fields=[agencies])

    class Meta:
        ordering = ["board", "role", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "board", "role"], name="one_membership_per_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.board}"


class Theme(models.Model):
    """A learning theme that recurs across reviews, such as information sharing or supervision."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    TEXT_LIMITS = {"name": Limit(200, "The theme's name"), "description": Limit(2_000, "The description")}

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReviewQuerySet(ScopedQuerySet):
    """What reviews' own data puts in scope: for an agency lead, the reviews with a recommendation
    addressed to one of their agencies.

    Not the whole of a lead's scope: a lead also sees the reviews where their agency holds an
    action, which only the actions layer knows. Pages at that layer or above use
    actions.scope.reviews_for(); only reviews' own manager forms use this.
    """

    def for_lead(self, agency_ids):
        return self.filter(pk__in=Recommendation.objects.for_lead(agency_ids).values("review"))

    review_path = "pk"

    def with_milestone_overdue(self, today: datetime.date):
        return self.filter(pk__in=Milestone.objects.overdue(today).values("review"))

    def with_milestone_due(self, today: datetime.date, working_days: int):
        """Reviews with an open milestone due from today up to `working_days` working days ahead."""
        return self.filter(pk__in=Milestone.objects.due_within(today, working_days).values("review"))


class Review(models.Model):
    """A serious case review (or other case review) whose recommendations the board tracks."""

    class Kind(models.TextChoices):
        SCR = "scr", "Serious case review"
        CSPR = "cspr", "Child safeguarding practice review"
        RAPID = "rapid", "Rapid review"
        LEARNING = "learning", "Learning review"
        SAR = "sar", "Safeguarding adult review"
        DHR = "dhr", "Domestic homicide review"
        AUDIT = "audit", "Multi-agency audit"
        SECTION11 = "section11", "Section 11 audit"
        PFD = "pfd", "Coroner's prevention of future deaths report"
        OTHER = "other", "Other review"

    class Decision(models.TextChoices):
        LOCAL = "local", "Local review"
        NONE = "none", "No local review"
        NATIONAL = "national", "National review"

    class SarBasis(models.TextChoices):
        MANDATORY = "mandatory", "Mandatory (Care Act 2014 s44(1))"
        DISCRETIONARY = "discretionary", "Discretionary (Care Act 2014 s44(4))"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        PUBLISHED = "published", "Published"
        PLAN_OPEN = "plan_open", "Action plan open"
        CLOSED = "closed", "Closed"

    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="reviews", help_text="The lead board, which owns the review."
    )
    partner_boards = models.ManyToManyField(
        Board, blank=True, related_name="partner_reviews", help_text="For a joint review: the other boards that own it."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SCR)
    reference = models.CharField(max_length=50, blank=True, help_text="The board's own reference, e.g. SCR 2025/01.")
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in web addresses and on the command line.")
    subject = models.CharField(
        "subject pseudonym",
        max_length=100,
        help_text='Always a pseudonym such as "Child D", never a real name.',
    )
    title = models.CharField(max_length=300)
    author = models.CharField("independent author", max_length=200, blank=True)
    commissioned_on = models.DateField("date commissioned", null=True, blank=True)
    published_on = models.DateField("date published", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    subgroup = models.CharField("responsible subgroup", max_length=200, blank=True)
    summary = models.TextField(blank=True)
    sar_basis = models.CharField(
        "mandatory or discretionary",
        max_length=20,
        choices=SarBasis.choices,
        blank=True,
        help_text="For a safeguarding adult review: one the board must hold under s44(1), or chose to under s44(4).",
    )
    # What the national returns ask for (DESIGN.md §10).
    aware_on = models.DateField(
        "date the partnership became aware", null=True, blank=True, help_text="Of the incident, or of the referral."
    )
    panel_notified_on = models.DateField("date the national Panel was notified", null=True, blank=True)
    ofsted_reference = models.CharField("Ofsted notification reference", max_length=50, blank=True)
    decision = models.CharField("decision", max_length=20, choices=Decision.choices, blank=True)
    decision_on = models.DateField("date of the decision", null=True, blank=True)
    decision_reasons = models.TextField("reasons for the decision", blank=True)
    converted_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="converted_to",
        help_text="The rapid review this review came from.",
    )
    incident_council = models.CharField("council where the incident happened", max_length=200, blank=True)
    home_council = models.CharField("council where the child or adult lived", max_length=200, blank=True)
    steis_reference = models.CharField("NHS StEIS reference", max_length=50, blank=True)
    signed_off_on = models.DateField("date signed off", null=True, blank=True)
    sent_to_panel_on = models.DateField("date sent to the Panel and the Secretary of State", null=True, blank=True)
    publication_url = models.URLField("web link to the published report", max_length=500, blank=True)
    # A coroner's prevention of future deaths report (regulation 28; the response is due in 56 days, reg. 29).
    pfd_report_on = models.DateField("date of the coroner's report", null=True, blank=True)
    pfd_addressees = models.TextField("addressees of the coroner's report", blank=True)
    pfd_concerns = models.TextField("the coroner's concerns", blank=True)
    pfd_published_url = models.URLField("Chief Coroner's publication link", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[partner_boards])

    objects = ReviewQuerySet.as_manager()
    TEXT_LIMITS = {
        "reference": Limit(50, "The reference"),
        "slug": Limit(80, "The web address name"),
        "subject": Limit(100, "The subject pseudonym"),
        "title": Limit(300, "The title"),
        "author": Limit(200, "The author's name"),
        "subgroup": Limit(200, "The subgroup"),
        "summary": Limit(10_000, "The summary"),
        "ofsted_reference": Limit(50, "The Ofsted notification reference"),
        "decision_reasons": Limit(5_000, "The reasons for the decision"),
        "incident_council": Limit(200, "The council where the incident happened"),
        "home_council": Limit(200, "The council where the child or adult lived"),
        "steis_reference": Limit(50, "The StEIS reference"),
        "publication_url": Limit(500, "The web link"),
        "pfd_addressees": Limit(2_000, "The addressees"),
        "pfd_concerns": Limit(10_000, "The coroner's concerns"),
        "pfd_published_url": Limit(500, "The publication link"),
    }

    class Meta:
        ordering = ["-commissioned_on", "title"]
        # The action list sorts by review (commissioned_on, id), then number: with this index
        # PostgreSQL reads a page's actions in order instead of sorting all 20,000 (README,
        # "Performance: load and fault tests").
        indexes = [models.Index(fields=["commissioned_on", "id"], name="review_commissioned_order")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("board:review", args=[self.slug])

    def board_ids(self, known: dict | None = None) -> frozenset[int]:
        """The lead board and the partner boards: one query, once per review in `known` (the request's
        permission checks share it, whichever object of the review they are about)."""
        known = {} if known is None else known
        if self.pk not in known:
            partners = Review.partner_boards.through.objects.filter(review_id=self.pk)
            known[self.pk] = frozenset({self.board_id, *partners.values_list("board_id", flat=True)})
        return known[self.pk]


class RecommendationQuerySet(ScopedQuerySet):
    """Every recommendation for managers and chairs; for an agency lead, those addressed to their
    agencies. The complete scope (with their agencies' actions) is actions.scope.recommendations_for()."""


class Recommendation(models.Model):
    """A numbered recommendation of a review, usually addressed to one partner agency."""

    class Source(models.TextChoices):
        OVERVIEW = "overview", "Overview report"
        IMR = "imr", "Agency IMR"
        HEALTH = "health", "Health overview"
        OTHER = "other", "Other"

    class Decision(models.TextChoices):
        """The board's decision on the recommendation (DESIGN.md §11); blank until it is taken."""

        ACCEPTED = "accepted", "Accepted"
        ACCEPTED_IN_PART = "accepted_in_part", "Accepted in part"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    # A decision other than "Accepted" must say why: the annual report states the reasons (Care Act Sch. 2 para. 4).
    DECISIONS_NEEDING_REASONS = (Decision.ACCEPTED_IN_PART, Decision.NOT_ACCEPTED)

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="recommendations")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        help_text="Leave empty for a board-wide or national recommendation.",
    )
    number = models.CharField(max_length=20, help_text='As printed in the report, e.g. "6.4".')
    sort_key = models.CharField(max_length=200, editable=False, db_index=True)
    text = models.TextField("recommendation")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OVERVIEW)
    themes = models.ManyToManyField(Theme, blank=True, related_name="recommendations")
    decision = models.CharField(
        "the board's decision", max_length=20, choices=Decision.choices, blank=True, help_text="Blank: not yet decided."
    )
    decision_reason = models.TextField(
        "reasons for the decision", blank=True, help_text='Required unless the decision is "Accepted".'
    )
    decided_by = models.CharField(
        "who decided", max_length=200, blank=True, help_text="For example, the case review subgroup, or the board."
    )
    decided_on = models.DateField("date decided", null=True, blank=True)
    sent_to = models.CharField(
        "sent to",
        max_length=200,
        blank=True,
        help_text="For a recommendation addressed above the board (a national department, the Panel, a regional "
        "body): to whom the board sent it.",
    )
    sent_on = models.DateField("date sent", null=True, blank=True)
    reply = models.TextField("their reply", blank=True)
    # Impact, kept apart from completion (DESIGN.md §11): what should change, how the board will know, and when.
    intended_outcome = models.TextField(
        blank=True, help_text="What should be different for children, adults or families when this has worked."
    )
    impact_measure = models.TextField(
        "how impact will be measured", blank=True, help_text="For example, a re-audit, a practitioner survey or data."
    )
    evaluate_by = models.DateField("evaluate impact by", null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[themes])

    objects = RecommendationQuerySet.as_manager()
    # The import copies a recommendation's text into an action left without one: Action's bound is no smaller.
    TEXT_LIMITS = {
        "number": Limit(20, "The recommendation number"),
        "text": Limit(5_000, "The recommendation"),
        "decision_reason": Limit(5_000, "The reasons for the decision"),
        "decided_by": Limit(200, "Who decided"),
        "sent_to": Limit(200, "To whom it was sent"),
        "reply": Limit(5_000, "The reply"),
        "intended_outcome": Limit(2_000, "The intended outcome"),
        "impact_measure": Limit(2_000, "How impact will be measured"),
    }

    class Meta:
        ordering = ["review", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="recommendation_number_unique_in_review"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.number = self.number.strip()
        self.sort_key = natural_sort_key(self.number)
        super().save(*args, **kwargs)  # post_save receivers see `loaded_review_id` still as loaded
        self.loaded_review_id = self.review_id

    def get_absolute_url(self) -> str:
        return reverse("board:recommendation", args=[self.review.slug, self.pk])

    def board_ids(self, known=None) -> frozenset[int]:
        return self.review.board_ids(known)

    @staticmethod
    def decision_problem(decision: str, reason: str) -> str:
        """Why this decision cannot be recorded ("" when it can): the one rule, for the form and the import."""
        if decision in Recommendation.DECISIONS_NEEDING_REASONS and not reason.strip():
            label = Recommendation.Decision(decision).label
            return f'Enter the reasons the recommendation is "{label}": reasons are required unless it is accepted'
        return ""

    @property
    def moved(self) -> bool:
        """Saved into another review than the one it was loaded from (a new recommendation has not moved)."""
        return getattr(self, "loaded_review_id", self.review_id) != self.review_id

    @classmethod
    def from_db(cls, db, field_names, values):
        recommendation = super().from_db(db, field_names, values)
        recommendation.loaded_review_id = recommendation.__dict__.get("review_id")
        return recommendation


class PlanImportQuerySet(ScopedQuerySet):
    """The record of imports is the board's (managers and chairs); agency leads see none of it."""

    def for_lead(self, agency_ids):
        return self.none()


class PlanImport(models.Model):
    """A record that a plan file was imported into a review: who, when, which file, and what changed."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="plan_imports")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    row_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="Created, updated and unchanged, by kind of record.")
    history = HistoricalRecords()

    objects = PlanImportQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} into {self.review}"


class LearningActivityQuerySet(ScopedQuerySet):
    """The board sees every learning activity; an agency lead those carrying a review in their scope (reviews'
    own) or that one of their agencies attended or cascaded."""

    board_path = "board"  # the board that shared it, whichever reviews it carries
    agency_path = "attendances__agency"

    def for_lead(self, agency_ids):
        reviews = Review.objects.for_lead(agency_ids).values("pk")
        attended = LearningAttendance.objects.filter(agency__in=agency_ids).values("activity")
        cascaded = CascadeConfirmation.objects.filter(agency__in=agency_ids).values("activity")
        return self.filter(
            models.Q(
                pk__in=LearningActivity.reviews.through.objects.filter(review__in=reviews).values("learningactivity")
            )
            | models.Q(pk__in=attended)
            | models.Q(pk__in=cascaded)
        )

    def with_attendance(self):
        """Annotate `attendees`, the practitioners recorded across agencies (one aggregate, no row per agency)."""
        return self.annotate(attendees=models.Sum("attendances__attendees"))


class LearningActivity(models.Model):
    """How the board shared a review's learning: a seven-minute briefing, a learning event, training, a newsletter,
    a practitioner forum or a multi-agency audit (DESIGN.md §11)."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", "Seven-minute briefing"
        EVENT = "event", "Learning event"
        TRAINING = "training", "Training session"
        NEWSLETTER = "newsletter", "Newsletter"
        FORUM = "forum", "Practitioner forum"
        AUDIT = "audit", "Multi-agency audit"

    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="learning_activities",
        help_text="The board that shared this learning.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    held_on = models.DateField("date")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    reviews = models.ManyToManyField(Review, blank=True, related_name="learning_activities")
    themes = models.ManyToManyField(Theme, blank=True, related_name="learning_activities")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[reviews, themes])

    objects = LearningActivityQuerySet.as_manager()
    TEXT_LIMITS = {"title": Limit(300, "The title"), "description": Limit(5_000, "The description")}

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name_plural = "learning activities"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:learning", args=[self.pk])

    def board_ids(self, known=None) -> frozenset[int]:
        return frozenset({self.board_id})


class LearningAttendanceQuerySet(ScopedQuerySet):
    board_path = "activity__board"
    agency_path = "agency"


class LearningAttendance(models.Model):
    """How many practitioners of one agency attended (or received) a learning activity."""

    activity = models.ForeignKey(LearningActivity, on_delete=models.CASCADE, related_name="attendances")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="learning_attendances")
    attendees = models.PositiveIntegerField()
    history = HistoricalRecords()

    objects = LearningAttendanceQuerySet.as_manager()
    MAX_ATTENDEES = 100_000

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["activity", "agency"], name="attendance_once_per_agency")]

    def __str__(self) -> str:
        return f"{self.attendees} from {self.agency}"

    def get_absolute_url(self) -> str:
        """Attendance is kept on its activity's page (the change log links there)."""
        return reverse("reviews:learning", args=[self.activity_id])


class CascadeConfirmationQuerySet(ScopedQuerySet):
    board_path = "activity__board"
    agency_path = "agency"


class CascadeConfirmation(models.Model):
    """An agency's confirmation that it cascaded a briefing to its practitioners."""

    activity = models.ForeignKey(LearningActivity, on_delete=models.CASCADE, related_name="cascades")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cascades")
    confirmed_on = models.DateField(default=timezone.localdate)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    history = HistoricalRecords()

    objects = CascadeConfirmationQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["activity", "agency"], name="cascade_once_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency} cascaded {self.activity}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:learning", args=[self.activity_id])


# The review's dates a milestone rule may count from, or record a milestone done in (DESIGN.md §10).
REVIEW_DATES = [
    ("aware_on", "Date the partnership became aware"),
    ("panel_notified_on", "Date the national Panel was notified"),
    ("decision_on", "Date of the decision"),
    ("commissioned_on", "Date commissioned"),
    ("signed_off_on", "Date signed off"),
    ("sent_to_panel_on", "Date sent to the Panel and the Secretary of State"),
    ("published_on", "Date published"),
    ("pfd_report_on", "Date of the coroner's report"),
]
FROM_MILESTONE = "milestone"
DUE_SOON_WORKING_DAYS = 5
# The dashboard's "due in the next 20 working days" (about a month of working days).
DEADLINES_AHEAD_WORKING_DAYS = 20


class MilestoneRule(models.Model):
    """One step in the life of a kind of review and how its due date is counted, e.g. "notify the national
    Panel: 5 working days after the partnership became aware". Seeded with DESIGN.md §10's defaults; an
    administrator edits them, because guidance changes and boards set local targets."""

    kind = models.CharField(max_length=20, choices=Review.Kind.choices)
    key = models.SlugField(max_length=40, help_text="A short name, unique within the kind of review.")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    counts_from = models.CharField(
        max_length=30,
        choices=[*REVIEW_DATES, (FROM_MILESTONE, "Another milestone (its done date, else its due date)")],
        blank=True,
        help_text="Empty for a date the business manager types (a local target, or no timescale).",
    )
    from_milestone = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="When counting from another milestone: which one (of the same kind of review).",
    )
    amount = models.IntegerField(default=0, help_text="How many units after; negative for before.")
    unit = models.CharField(max_length=20, choices=clocks.UNITS, default=clocks.WORKING_DAYS)
    done_field = models.CharField(
        "recorded done in",
        max_length=30,
        choices=REVIEW_DATES,
        blank=True,
        help_text="The review's date that marks this milestone done, if any.",
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where the timescale comes from.")
    history = HistoricalRecords()

    TEXT_LIMITS = {
        "key": Limit(40, "The short name"),
        "name": Limit(200, "The milestone's name"),
        "source": Limit(300, "The source"),
    }

    class Meta:
        ordering = ["kind", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="milestone_rule_key_unique_in_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    def clean(self):
        if self.counts_from == FROM_MILESTONE:
            if self.from_milestone is None:
                raise ValidationError({"from_milestone": "Choose the milestone this one counts from"})
            if self.from_milestone.kind != self.kind or self.from_milestone.pk == self.pk:
                raise ValidationError({"from_milestone": "Choose another milestone of the same kind of review"})
        elif self.from_milestone is not None:
            raise ValidationError({"from_milestone": "Leave this empty unless the rule counts from a milestone"})

    def describe(self) -> str:
        """The rule in words: "5 working days after date the partnership became aware"."""
        if not self.counts_from:
            return "Set by the board"
        base = self.from_milestone.name if self.counts_from == FROM_MILESTONE else self.get_counts_from_display()
        units = dict(clocks.UNITS)[self.unit]
        units = units[:-1] if abs(self.amount) == 1 else units
        return f"{abs(self.amount)} {units} {'before' if self.amount < 0 else 'after'} {base[0].lower()}{base[1:]}"


class MilestoneQuerySet(ScopedQuerySet):
    """A review's milestones, seen by whoever sees the review (reviews' own scope for an agency lead;
    pages at the actions layer and above narrow it to actions.scope.reviews_for)."""

    agency_path = None
    review_path = "review"

    def for_lead(self, agency_ids):
        return self.filter(review__in=Review.objects.for_lead(agency_ids))

    def open(self):
        return self.filter(done_on__isnull=True)

    def overdue(self, today: datetime.date):
        return self.open().filter(due_on__lt=today)

    def due_within(self, today: datetime.date, working_days: int):
        """Open milestones due from today up to `working_days` working days ahead."""
        return self.open().filter(due_on__gte=today, due_on__lte=clocks.add_working_days(today, working_days))

    def in_states(self, states, today: datetime.date):
        """The milestones whose state on `today` (Milestone.state_on) is one of `states`, in one WHERE clause."""
        soon = clocks.add_working_days(today, DUE_SOON_WORKING_DAYS)
        done, open_ = models.Q(done_on__isnull=False), models.Q(done_on__isnull=True)
        late = models.Q(due_on__isnull=False, done_on__gt=models.F("due_on"))
        where = {
            Milestone.State.DONE: done & ~late,
            Milestone.State.DONE_LATE: done & late,
            Milestone.State.NO_DATE: open_ & models.Q(due_on__isnull=True),
            Milestone.State.OVERDUE: open_ & models.Q(due_on__lt=today),
            Milestone.State.DUE_SOON: open_ & models.Q(due_on__gte=today, due_on__lte=soon),
            Milestone.State.ON_TIME: open_ & models.Q(due_on__gt=soon),
        }
        return self.filter(reduce(operator.or_, [where[state] for state in states], models.Q(pk__in=[])))


class Milestone(models.Model):
    """A dated step in one review's life (notification, decision, report, publication, response...): when it
    is due by its rule, any extension agreed, when it was done, who recorded it, and a note."""

    class State(models.TextChoices):
        ON_TIME = "on_time", "On time"
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        DONE = "done", "Done"
        DONE_LATE = "done_late", "Done late"
        NO_DATE = "no_date", "No date set"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="milestones")
    rule = models.ForeignKey(MilestoneRule, on_delete=models.PROTECT, related_name="milestones")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField("due", null=True, blank=True)
    extended_to = models.DateField("extension agreed to", null=True, blank=True)
    done_on = models.DateField("done", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = MilestoneQuerySet.as_manager()
    TEXT_LIMITS = {"name": Limit(200, "The milestone's name"), "note": Limit(2_000, "The note")}

    class Meta:
        ordering = ["review", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "rule"], name="milestone_once_per_review")]

    def __str__(self) -> str:
        return f"{self.review.reference or self.review.slug}: {self.name}"

    def board_ids(self, known=None) -> frozenset[int]:
        return self.review.board_ids(known)

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    def state_on(self, today: datetime.date) -> str:
        if self.done_on:
            late = self.due_on is not None and self.done_on > self.due_on
            return self.State.DONE_LATE if late else self.State.DONE
        if self.due_on is None:
            return self.State.NO_DATE
        if self.due_on < today:
            return self.State.OVERDUE
        if self.due_on <= clocks.add_working_days(today, DUE_SOON_WORKING_DAYS):
            return self.State.DUE_SOON
        return self.State.ON_TIME

    def get_state_display(self) -> str:
        return self.State(self.state).label

    @property
    def statutory_due_on(self) -> datetime.date | None:
        """The date by the rule alone, before any extension (set by refresh_milestones)."""
        return getattr(self, "_by_rule", self.due_on)


def next_milestone(milestones) -> "Milestone | None":
    """The first milestone not yet done: the earliest due, then those with no date, in the rule's order."""
    open_ones = [m for m in milestones if not m.done_on]
    dated = sorted((m for m in open_ones if m.due_on), key=lambda m: (m.due_on, m.order))
    return (dated or open_ones or [None])[0]


def refresh_milestones(review: Review, by=None) -> list[Milestone]:
    """Give the review a milestone for each rule of its kind, take the done date from the review's own date where
    the rule names one (recorded by `by`, the person who changed that date, when known), and
    count every due date again. Saves only what changed (with history). Open milestones of another kind
    (the review's kind was changed) are dropped; any done or noted is kept."""
    rules = {rule.pk: rule for rule in MilestoneRule.objects.filter(kind=review.kind).select_related("from_milestone")}
    milestones = {m.rule_id: m for m in Milestone.objects.filter(review=review)}
    for rule_id, milestone in list(milestones.items()):
        if rule_id not in rules and not milestone.done_on and not milestone.note:
            milestone.delete()
            del milestones[rule_id]
    for rule in rules.values():
        if rule.pk not in milestones:
            milestones[rule.pk] = Milestone(review=review, rule=rule, name=rule.name, order=rule.order)
    before = {rule_id: (m.pk, m.due_on, m.done_on, m.name, m.order) for rule_id, m in milestones.items()}
    for rule in rules.values():
        milestone = milestones[rule.pk]
        milestone.name, milestone.order = rule.name, rule.order
        if rule.done_field:  # the review's own date is the record of it
            done_on = getattr(review, rule.done_field)
            if by is not None and done_on != milestone.done_on:
                milestone.recorded_by = by
            milestone.done_on = done_on
    for rule in rules.values():
        _count_due(milestones[rule.pk], rules, milestones, review, depth=0)
    for rule_id, milestone in milestones.items():
        now = (milestone.pk, milestone.due_on, milestone.done_on, milestone.name, milestone.order)
        if milestone.pk is None or before[rule_id] != now:
            milestone.save()
    return sorted(milestones.values(), key=lambda m: (m.order, m.pk or 0))


def _count_due(milestone: Milestone, rules, milestones, review: Review, depth: int) -> datetime.date | None:
    """The milestone's due date by its rule (its extension, if agreed, wins); computed once per refresh."""
    if hasattr(milestone, "_by_rule"):
        return milestone.due_on
    rule = rules[milestone.rule_id]
    if not rule.counts_from:
        milestone._by_rule = milestone.due_on  # typed by the business manager
    else:
        if rule.counts_from == FROM_MILESTONE:
            base_milestone = milestones.get(rule.from_milestone_id)
            base = None
            if base_milestone is not None and depth < len(rules):
                base = base_milestone.done_on or _count_due(base_milestone, rules, milestones, review, depth + 1)
        else:
            base = getattr(review, rule.counts_from)
        try:
            milestone._by_rule = clocks.add(base, rule.amount, rule.unit) if base else None
        except (OverflowError, ValueError):  # counted past the calendar's end (a date typed as 31/12/9999)
            milestone._by_rule = None
    milestone.due_on = milestone.extended_to or milestone._by_rule
    return milestone.due_on

    def board_ids(self, known=None) -> frozenset[int]:
        return self.review.board_ids(known)
