"""The board dashboard's figures (DESIGN.md §8 `/dashboard/`).

Every figure is counted in SQL with conditional aggregation, one query per
panel whatever the number of agencies or actions, and every count of actions
carries the `/actions/` query string (DESIGN.md §8 filter parameters) that
lists exactly the actions counted, so the dashboard and the list agree.

"Awaiting evidence" means status Completed: the agency says the action is
done but the board has not yet seen evidence of it (DESIGN.md §3,
"Completed: evidence awaited"). It is defined once, in AWAITING_EVIDENCE.
"""

import datetime
import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from actions.choices import DONE_STATUSES, OPEN_STATUSES, ActionStatus, AssuranceLevel, Rag
from actions.models import Action
from assurance.models import AssuranceJudgement
from lscb import roles
from reviews.models import Recommendation, Review

AWAITING_EVIDENCE = ActionStatus.COMPLETED
HEAT_LEVELS = 5  # shading classes lscb-heat-0 … lscb-heat-5
TREND_MONTHS = 12
# DESIGN.md §8 fixes this path; the list view arrives from another branch, so fall back to it.
ACTIONS_PATH = "/actions/"


def actions_url(**params) -> str:
    """The filtered action list for these DESIGN.md §8 parameters (lists repeat the parameter)."""
    try:
        base = reverse("actions:list")
    except NoReverseMatch:
        base = ACTIONS_PATH
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", [])}, doseq=True)
    return f"{base}?{query}" if query else base


def lead_home_url(agency_ids) -> str:
    """The agency lead's own page (assurance:lead-home, from another branch), else their actions."""
    try:
        return reverse("assurance:lead-home")
    except NoReverseMatch:
        return actions_url(agency=sorted(agency_ids))


@dataclass
class Figure:
    """A count and the action-list address that lists exactly what was counted (None: not listable)."""

    count: int
    url: str | None = None


@dataclass
class Segment:
    """One colour of a RAG bar, in SVG user units out of 100."""

    rag: str
    label: str
    x: float
    width: float
    figure: Figure


@dataclass
class AgencyRow:
    name: str
    agency_id: int | None
    total: Figure
    overdue: Figure
    awaiting_evidence: Figure
    completed: Figure
    assured: Figure
    by_status: list[Figure]
    by_assurance: list[Figure]
    rag: list[Segment]
    pct_completed: int = 0
    pct_assured: int = 0

    @property
    def rag_summary(self) -> str:
        return ", ".join(f"{s.figure.count} {s.label.lower()}" for s in self.rag)


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _action_counts(today: datetime.date) -> dict:
    """Conditional aggregates over a with_rag() queryset; the filters mirror the §8 parameters."""
    counts = {"total": Count("pk"), "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today))}
    counts |= {f"status_{s.value}": Count("pk", filter=Q(status=s)) for s in ActionStatus}
    counts |= {f"rag_{r.value}": Count("pk", filter=Q(rag_value=r)) for r in Rag}
    counts |= {f"assurance_{a.value}": Count("pk", filter=Q(assurance_level=a)) for a in AssuranceLevel}
    return counts


def agency_row(values: dict, review_slug: str | None) -> AgencyRow:
    """One row of the agency table from one row of the aggregate query."""
    agency_id = values["agency_id"]

    def figure(count: int, **params) -> Figure:
        if agency_id is None and values.get("is_agency", True):
            return Figure(count)  # no §8 parameter selects "no agency"
        return Figure(count, actions_url(review=review_slug, agency=agency_id, **params))

    total = values["total"]
    done = sum(values[f"status_{s.value}"] for s in DONE_STATUSES)
    row = AgencyRow(
        name=values["name"],
        agency_id=agency_id,
        total=figure(total),
        overdue=figure(values["overdue"], overdue=1),
        awaiting_evidence=figure(values[f"status_{AWAITING_EVIDENCE.value}"], status=AWAITING_EVIDENCE.value),
        completed=figure(done, status=[s.value for s in DONE_STATUSES]),
        assured=figure(values["assurance_assured"], assurance=AssuranceLevel.ASSURED.value),
        by_status=[figure(values[f"status_{s.value}"], status=s.value) for s in ActionStatus],
        by_assurance=[figure(values[f"assurance_{a.value}"], assurance=a.value) for a in AssuranceLevel],
        rag=[],
        pct_completed=percent(done, total),
        pct_assured=percent(values["assurance_assured"], total),
    )
    x = 0.0
    for colour in Rag:
        count = values[f"rag_{colour.value}"]
        width = 100 * count / total if total else 0
        row.rag.append(
            Segment(colour.value, colour.label, round(x, 2), round(width, 2), figure(count, rag=colour.value))
        )
        x += width
    return row


def agency_rows(actions, review_slug: str | None, today: datetime.date) -> tuple[list[AgencyRow], AgencyRow | None]:
    """The per-agency table and its total row, from one grouped query."""
    grouped = (
        actions.with_rag(today)
        .order_by("agency__name")
        .values("agency_id", "agency__name")
        .annotate(**_action_counts(today))
    )
    rows, totals = [], None
    for values in grouped:
        values["name"] = values["agency__name"] or "No agency (board-wide)"
        rows.append(agency_row(values, review_slug))
        if totals is None:
            totals = {k: 0 for k in values if k not in ("agency_id", "agency__name", "name")}
        for key in totals:
            totals[key] += values[key]
    if totals is None:
        return rows, None
    totals |= {"agency_id": None, "name": "All agencies", "is_agency": False}
    return rows, agency_row(totals, review_slug)


@dataclass
class ReviewProgress:
    review: Review
    total: Figure
    completed: Figure
    assured: Figure
    pct_completed: int
    pct_assured: int


def review_progress(actions, reviews: list[Review]) -> list[ReviewProgress]:
    done = Q(status__in=DONE_STATUSES)
    assured = Q(assurance_level=AssuranceLevel.ASSURED)
    grouped = (
        actions.order_by()
        .values("recommendation__review_id")
        .annotate(total=Count("pk"), completed=Count("pk", filter=done), assured=Count("pk", filter=assured))
    )
    by_review = {g["recommendation__review_id"]: g for g in grouped}
    progress = []
    for review in reviews:
        g = by_review.get(review.pk, {"total": 0, "completed": 0, "assured": 0})
        progress.append(
            ReviewProgress(
                review=review,
                total=Figure(g["total"], actions_url(review=review.slug)),
                completed=Figure(
                    g["completed"], actions_url(review=review.slug, status=[s.value for s in DONE_STATUSES])
                ),
                assured=Figure(g["assured"], actions_url(review=review.slug, assurance=AssuranceLevel.ASSURED.value)),
                pct_completed=percent(g["completed"], g["total"]),
                pct_assured=percent(g["assured"], g["total"]),
            )
        )
    return progress


@dataclass
class HeatRow:
    theme: str
    cells: list[tuple[int, int]]  # (count, shading level), one a review
    total: int
    reviews_with: int


def heat_level(count: int, peak: int) -> int:
    return 0 if count == 0 or peak == 0 else max(1, math.ceil(HEAT_LEVELS * count / peak))


def heat_map(recommendations, reviews: list[Review]) -> list[HeatRow]:
    """Themes × reviews: how many recommendations of each review carry each theme."""
    through = Recommendation.themes.through
    grouped = (
        through.objects.filter(recommendation__in=recommendations.values("pk"))
        .order_by()
        .values("theme_id", "theme__name", "recommendation__review_id")
        .annotate(n=Count("recommendation_id"))
    )
    counts: dict[str, dict[int, int]] = {}
    for g in grouped:
        counts.setdefault(g["theme__name"], {})[g["recommendation__review_id"]] = g["n"]
    peak = max((n for per_review in counts.values() for n in per_review.values()), default=0)
    rows = []
    for theme in sorted(counts, key=str.casefold):
        numbers = [counts[theme].get(review.pk, 0) for review in reviews]
        cells = [(n, heat_level(n, peak)) for n in numbers]
        rows.append(HeatRow(theme, cells, sum(numbers), sum(1 for n in numbers if n)))
    return rows


@dataclass
class TrendMonth:
    month: datetime.date
    completed: int
    judged: int
    completed_width: float = 0
    judged_width: float = 0


def month_starts(today: datetime.date, months: int = TREND_MONTHS) -> list[datetime.date]:
    """The first day of each of the last `months` months, oldest first, this month last."""
    starts, year, month = [], today.year, today.month
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _per_month(queryset, date_field: str) -> dict[datetime.date, int]:
    grouped = queryset.order_by().annotate(month=TruncMonth(date_field)).values("month").annotate(n=Count("pk"))
    result = {}
    for g in grouped:
        month = g["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        result[month] = g["n"]
    return result


def trends(actions, judgements, today: datetime.date) -> list[TrendMonth]:
    """Actions completed (by completion date, still done) and judgements recorded, per month."""
    months = month_starts(today)
    window = {"__gte": months[0], "__lte": today}
    completed = _per_month(
        actions.filter(status__in=DONE_STATUSES, **{f"completed_on{k}": v for k, v in window.items()}),
        "completed_on",
    )
    judged = _per_month(judgements.filter(**{f"judged_on{k}": v for k, v in window.items()}), "judged_on")
    rows = [TrendMonth(m, completed.get(m, 0), judged.get(m, 0)) for m in months]
    peak = max([r.completed for r in rows] + [r.judged for r in rows] + [0])
    for r in rows:
        r.completed_width = round(100 * r.completed / peak, 2) if peak else 0
        r.judged_width = round(100 * r.judged / peak, 2) if peak else 0
    return rows


@dataclass
class Dashboard:
    """Everything the dashboard template shows; `error` set means no figures (never a wider view)."""

    has_role: bool
    reviews: list[Review] = field(default_factory=list)
    review: Review | None = None
    review_param: str = ""
    error: str = ""
    agency_rows: list[AgencyRow] = field(default_factory=list)
    totals: AgencyRow | None = None
    progress: list[ReviewProgress] = field(default_factory=list)
    heat_reviews: list[Review] = field(default_factory=list)
    heat_rows: list[HeatRow] = field(default_factory=list)
    trend: list[TrendMonth] = field(default_factory=list)
    statuses: list = field(default_factory=lambda: list(ActionStatus))
    assurance_levels: list = field(default_factory=lambda: list(AssuranceLevel))
    awaiting_evidence_label: str = AWAITING_EVIDENCE.label


def build(user, review_slug: str = "", today: datetime.date | None = None) -> Dashboard:
    """The dashboard for this user, whole board or narrowed to one review, scoped to what they may see.

    Queries (after the user's roles): reviews in scope; agency table; review
    progress; heat map; completions by month; judgements by month.
    """
    today = today or timezone.localdate()
    if not roles.role_names(user):
        return Dashboard(has_role=False)
    reviews = list(Review.objects.for_user(user).only("pk", "slug", "title", "subject", "reference", "kind"))
    board = Dashboard(has_role=True, reviews=reviews, review_param=review_slug)
    if review_slug:
        board.review = next((r for r in reviews if r.slug == review_slug), None)
        if board.review is None:
            board.error = f"There is no review “{review_slug}” that you can see. Choose a review from the list."
            return board
    shown = [board.review] if board.review else reviews
    actions = Action.objects.for_user(user)
    recommendations = Recommendation.objects.for_user(user)
    judgements = AssuranceJudgement.objects.for_user(user)
    if board.review:
        actions = actions.filter(recommendation__review=board.review)
        recommendations = recommendations.filter(review=board.review)
        judgements = judgements.filter(action__recommendation__review=board.review)
    board.agency_rows, board.totals = agency_rows(actions, review_slug or None, today)
    board.progress = review_progress(actions, shown)
    board.heat_reviews = shown
    board.heat_rows = heat_map(recommendations, shown)
    board.trend = trends(actions, judgements, today)
    return board
