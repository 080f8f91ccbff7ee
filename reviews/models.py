"""Agencies, learning themes, reviews and their recommendations."""

import re

from django.conf import settings
from django.db import models
from django.urls import reverse

from lscb.platform.history_records import HistoricalRecords
from lscb.platform.limits import Limit
from reviews import roles

_DIGITS = re.compile(r"(\d+)")


def natural_sort_key(number: str) -> str:
    """A string that sorts recommendation numbers as people read them: 6.9 < 6.10 < 7.1.

    Runs of digits are zero-padded so the database can order on a plain
    string column, on SQLite and PostgreSQL alike.
    """
    parts = _DIGITS.split(number.strip().rstrip(".").lower())
    return "".join(part.zfill(8) if part.isdigit() else part for part in parts)[:200]


class ScopedQuerySet(models.QuerySet):
    """The one scoping rule (DESIGN.md §4), shared by every scoped model's `for_user()`: the board
    (manager and chair) sees every row; an agency lead sees the rows of their own agencies, reached
    through `agency_path` (e.g. "action__agency"). A model with a different rule for leads overrides
    `for_lead()`; anything outside answers 404 on its pages."""

    agency_path = "agency"

    def for_user(self, user):
        if roles.sees_whole_board(user):
            return self
        return self.for_lead(roles.lead_agency_ids(user))

    def for_lead(self, agency_ids):
        return self.filter(**{f"{self.agency_path}__in": agency_ids})


class AgencyQuerySet(ScopedQuerySet):
    agency_path = "pk"


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
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="led_agencies",
        help_text="Named safeguarding leads, who see and update this agency's actions.",
    )
    history = HistoricalRecords(m2m_fields=[leads])

    objects = AgencyQuerySet.as_manager()
    TEXT_LIMITS = {"name": Limit(200, "The agency's name"), "short_name": Limit(50, "The short name")}

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


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


class Review(models.Model):
    """A serious case review (or other case review) whose recommendations the board tracks."""

    class Kind(models.TextChoices):
        SCR = "scr", "Serious case review"
        CSPR = "cspr", "Child safeguarding practice review"
        RAPID = "rapid", "Rapid review"
        LEARNING = "learning", "Learning review"
        SAR = "sar", "Safeguarding adult review"
        DHR = "dhr", "Domestic homicide review"
        OTHER = "other", "Other review"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        PUBLISHED = "published", "Published"
        PLAN_OPEN = "plan_open", "Action plan open"
        CLOSED = "closed", "Closed"

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ReviewQuerySet.as_manager()
    TEXT_LIMITS = {
        "reference": Limit(50, "The reference"),
        "slug": Limit(80, "The web address name"),
        "subject": Limit(100, "The subject pseudonym"),
        "title": Limit(300, "The title"),
        "author": Limit(200, "The author's name"),
        "subgroup": Limit(200, "The subgroup"),
        "summary": Limit(10_000, "The summary"),
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
    history = HistoricalRecords(m2m_fields=[themes])

    objects = RecommendationQuerySet.as_manager()
    # The import copies a recommendation's text into an action left without one: Action's bound is no smaller.
    TEXT_LIMITS = {"number": Limit(20, "The recommendation number"), "text": Limit(5_000, "The recommendation")}

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
