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
import functools
import hashlib
import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from actions.choices import DONE_STATUSES, OPEN_STATUSES, ActionStatus, AssuranceLevel, Rag
from actions.models import Action
from assurance.models import AssuranceJudgement
from lscb import roles
from reviews.models import Agency, Recommendation, Review, Theme

AWAITING_EVIDENCE = ActionStatus.COMPLETED
CACHE_VERSION = 1  # bump when Dashboard's shape changes
CACHE_SECONDS = 3600
HEAT_LEVELS = 5  # shading classes lscb-heat-0 … lscb-heat-5
TREND_MONTHS = 12


@functools.cache
def _actions_path() -> str:
    return reverse("actions:list")


def actions_url(**params) -> str:
    """The filtered action list for these DESIGN.md §8 parameters (lists repeat the parameter)."""
    base = _actions_path()  # a dashboard builds hundreds of these; reverse() once
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", [])}, doseq=True)
    return f"{base}?{query}" if query else base


def lead_home_url(agency_ids) -> str:
    """The agency lead's own page: their agencies' actions, evidence and requests."""
    return reverse("assurance:lead-home")


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
    """Conditional aggregates; each filter mirrors its §8 parameter (overdue=1 is Action.objects.overdue())."""
    counts = {"total": Count("pk"), "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today))}
    counts |= {f"status_{s.value}": Count("pk", filter=Q(status=s)) for s in ActionStatus}
    counts |= {f"assurance_{a.value}": Count("pk", filter=Q(assurance_level=a)) for a in AssuranceLevel}
    return counts


RAG_COUNTS = tuple(f"rag_{r.value}" for r in Rag)
COUNT_NAMES = (*_action_counts(datetime.date.min), *RAG_COUNTS)


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


def grouped_counts(actions, today: datetime.date) -> list[dict]:
    """Every count the agency table and review progress need, in one query.

    Grouped by agency, review and RAG colour (from with_rag(), so the colour's
    CASE is worked out once a row rather than once a colour); at most
    agencies × reviews × 5 rows come back, whatever the number of actions.
    """
    grouped = list(
        actions.with_rag(today)
        .order_by()
        .values("agency_id", "recommendation__review_id", "rag_value")
        .annotate(**_action_counts(today))
    )
    for values in grouped:
        values.update({name: 0 for name in RAG_COUNTS}, **{f"rag_{values['rag_value']}": values["total"]})
    return grouped


def _sum_by(grouped: list[dict], key: str | None) -> dict:
    """Add up the grouped counts by one of the grouping columns (None: everything together)."""
    summed: dict = {}
    for values in grouped:
        group = values[key] if key else None
        if group not in summed:
            summed[group] = dict.fromkeys(COUNT_NAMES, 0)
        target = summed[group]
        for name in COUNT_NAMES:
            target[name] += values[name]
    return summed


def agency_rows(grouped: list[dict], names: dict[int, str], review_slug: str | None):
    """The per-agency table (by agency name; actions with no agency last) and its total row."""
    rows = []
    for agency_id, counts in _sum_by(grouped, "agency_id").items():
        name = names.get(agency_id, "No agency (board-wide)")
        rows.append(agency_row(counts | {"agency_id": agency_id, "name": name}, review_slug))
    rows.sort(key=lambda row: (row.agency_id is None, row.name.casefold()))
    if not rows:
        return rows, None
    totals = _sum_by(grouped, None)[None]
    return rows, agency_row(totals | {"agency_id": None, "name": "All agencies", "is_agency": False}, review_slug)


@dataclass
class ReviewProgress:
    review: Review
    total: Figure
    completed: Figure
    assured: Figure
    pct_completed: int
    pct_assured: int


def review_progress(grouped: list[dict], reviews: list[Review]) -> list[ReviewProgress]:
    by_review = _sum_by(grouped, "recommendation__review_id")
    empty = dict.fromkeys(COUNT_NAMES, 0)
    progress = []
    for review in reviews:
        g = by_review.get(review.pk, empty)
        g["completed"] = sum(g[f"status_{status.value}"] for status in DONE_STATUSES)
        g["assured"] = g["assurance_assured"]
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


def heat_map(recommendations, review: Review | None, reviews: list[Review]) -> list[HeatRow]:
    """Themes × reviews: how many recommendations of each review carry each theme.

    `recommendations` is the user's scope, or None for the whole board (no subquery needed).
    """
    through = Recommendation.themes.through.objects.all()
    if recommendations is not None:
        through = through.filter(recommendation__in=recommendations.values("pk"))
    if review is not None:
        through = through.filter(recommendation__review=review)
    grouped = (
        through.order_by()
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
    """Counts by month. Grouped by day in SQL and folded into months here: a day is a plain column on
    every database, where truncating to the month calls a Python function per row on SQLite."""
    result: dict[datetime.date, int] = {}
    for day, n in queryset.order_by().values_list(date_field).annotate(n=Count("pk")).values_list(date_field, "n"):
        month = day.replace(day=1)
        result[month] = result.get(month, 0) + n
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


def board_stamp() -> tuple:
    """The newest history row of every table the dashboard counts from, in one query.

    Any change to a review, recommendation (its themes included: simple-history
    writes a row for an m2m change), action, judgement, agency or theme writes
    a history row, so a changed stamp means changed figures.
    """
    models = (Review, Recommendation, Action, AssuranceJudgement, Agency, Theme)
    tables = [model.history.model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT MAX(history_id) FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def cached_build(user, review_slug: str = "") -> Dashboard:
    """build(), kept in the cache until any figure could change: a new history row, or a new day (RAG)."""
    if not roles.role_names(user):
        return Dashboard(has_role=False)
    scope = "board" if roles.sees_whole_board(user) else sorted(roles.lead_agency_ids(user))
    today = timezone.localdate()
    parts = (CACHE_VERSION, scope, review_slug, today.isoformat(), board_stamp())
    key = "lscb:dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    board = cache.get(key)
    if board is None:
        board = build(user, review_slug, today)
        cache.set(key, board, CACHE_SECONDS)
    return board


def build(user, review_slug: str = "", today: datetime.date | None = None) -> Dashboard:
    """The dashboard for this user, whole board or narrowed to one review, scoped to what they may see.

    Queries (after the user's roles): reviews in scope; counts by agency and
    review; agency names; heat map; completions by day; judgements by day.
    """
    today = today or timezone.localdate()
    if not roles.role_names(user):
        return Dashboard(has_role=False)
    reviews = list(Review.objects.for_user(user))
    board = Dashboard(has_role=True, reviews=reviews, review_param=review_slug)
    if review_slug:
        board.review = next((r for r in reviews if r.slug == review_slug), None)
        if board.review is None:
            board.error = f"There is no review “{review_slug}” that you can see. Choose a review from the list."
            return board
    shown = [board.review] if board.review else reviews
    actions = Action.objects.for_user(user)
    # The whole board needs no scoping subquery; the heat map then counts straight from the themes table.
    recommendations = None if roles.sees_whole_board(user) else Recommendation.objects.for_user(user)
    judgements = AssuranceJudgement.objects.for_user(user)
    if board.review:
        actions = actions.filter(recommendation__review=board.review)
        judgements = judgements.filter(action__recommendation__review=board.review)
    grouped = grouped_counts(actions, today)
    agency_ids = {g["agency_id"] for g in grouped} - {None}
    names = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
    board.agency_rows, board.totals = agency_rows(grouped, names, review_slug or None)
    board.progress = review_progress(grouped, shown)
    board.heat_reviews = shown
    board.heat_rows = heat_map(recommendations, board.review, shown)
    board.trend = trends(actions, judgements, today)
    return board
