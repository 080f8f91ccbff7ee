"""The board dashboard's figures (DESIGN.md §8 `/dashboard/`).

Every figure is counted in SQL with conditional aggregation, one query per
panel whatever the number of agencies or actions, and every count of actions
carries the `/actions/` query string (DESIGN.md §8 filter parameters) that
lists exactly the actions counted, so the dashboard and the list agree.

"Awaiting evidence" means status Completed: the agency says the action is
done but the board has not yet seen evidence of it (DESIGN.md §3,
"Completed: evidence awaited"). It is defined once, in actions.choices.AWAITING_EVIDENCE,
which an agency lead's "Done, awaiting evidence" list reads too.
"""

import datetime
import functools
import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from actions.choices import AWAITING_EVIDENCE, DONE_STATUSES, ActionStatus, AssuranceLevel, Rag
from actions.models import Action
from actions.scope import recommendations_for, reviews_for
from assurance.models import AssuranceJudgement
from lscb.board.dashboard import parts as dashboard_parts
from lscb.board.dashboard.parts import (
    COUNT_NAMES,
    ReviewPart,
    Scope,
    add_counts,
    cached_parts,
    count_parts,
    month_starts,
)
from lscb.platform import generations
from lscb.platform.permissions import may
from reviews import roles
from reviews.models import Agency, LearningActivity, Review

# Completion, evidence and impact are three things (DESIGN.md §11): completed is every done status; evidenced,
# the board has seen evidence (Completed and evidenced, or Embedded); impact evidenced, Embedded, which only an
# impact evaluation judged "impact evidenced" allows (Action.status_problem).
EVIDENCED_STATUSES = (ActionStatus.EVIDENCED, ActionStatus.EMBEDDED)
EVIDENCED_VALUES = [s.value for s in EVIDENCED_STATUSES]
# What a cached dashboard and its drawing were made by: this code and the figures' templates,
# read once at start-up (an edit to any of them leaves the old entries behind).
CODE_VERSION = generations.files_digest(
    [
        Path(__file__),
        Path(dashboard_parts.__file__),
        *(Path(settings.BASE_DIR) / "templates" / "board").glob("dashboard_*.html"),
    ]
)
CACHE_SECONDS = 3600
HEAT_LEVELS = 5  # shading classes lscb-heat-0 … lscb-heat-5


@functools.cache
def _actions_path() -> str:
    return reverse("actions:list")


def actions_url(**params) -> str:
    """The filtered action list for these DESIGN.md §8 parameters (lists repeat the parameter)."""
    return _actions_url(tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


@functools.lru_cache(maxsize=8192)
def _actions_url(params: tuple) -> str:
    # A dashboard builds hundreds of these, the same ones each time.
    base = _actions_path()
    query = urlencode([(k, v) for k, v in params if v not in (None, "", ())], doseq=True)
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
    evidenced: Figure | None = None
    impact_evidenced: Figure | None = None

    @property
    def rag_summary(self) -> str:
        return ", ".join(f"{s.figure.count} {s.label.lower()}" for s in self.rag)


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


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
        evidenced=figure(sum(values[f"status_{s.value}"] for s in EVIDENCED_STATUSES), status=EVIDENCED_VALUES),
        impact_evidenced=figure(values[f"status_{ActionStatus.EMBEDDED.value}"], status=ActionStatus.EMBEDDED.value),
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


def sum_by_agency(parts: list[ReviewPart]) -> dict:
    summed: dict = {}
    for part in parts:
        for agency_id, counts in part.by_agency.items():
            add_counts(summed, agency_id, counts)
    return summed


def named(counts: list) -> dict:
    return dict(zip(COUNT_NAMES, counts, strict=True))


def agency_rows(by_agency: dict, names: dict[int, str], review_slug: str | None):
    """The per-agency table (by agency name; actions with no agency last) and its total row."""
    rows = []
    for agency_id, counts in by_agency.items():
        name = names.get(agency_id, "No agency (board-wide)")
        rows.append(agency_row(named(counts) | {"agency_id": agency_id, "name": name}, review_slug))
    rows.sort(key=lambda row: (row.agency_id is None, row.name.casefold()))
    if not rows:
        return rows, None
    totals: dict = {}
    for counts in by_agency.values():
        add_counts(totals, None, counts)
    total_row = named(totals[None]) | {"agency_id": None, "name": "All agencies", "is_agency": False}
    return rows, agency_row(total_row, review_slug)


@dataclass
class ReviewProgress:
    review: Review
    total: Figure
    completed: Figure
    assured: Figure
    pct_completed: int
    pct_assured: int
    evidenced: Figure | None = None
    impact_evidenced: Figure | None = None


def review_progress(parts: dict[int, ReviewPart], reviews: list[Review]) -> list[ReviewProgress]:
    progress = []
    for review in reviews:
        g = named(parts[review.pk].total)
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
                evidenced=Figure(
                    sum(g[f"status_{s.value}"] for s in EVIDENCED_STATUSES),
                    actions_url(review=review.slug, status=EVIDENCED_VALUES),
                ),
                impact_evidenced=Figure(
                    g[f"status_{ActionStatus.EMBEDDED.value}"],
                    actions_url(review=review.slug, status=ActionStatus.EMBEDDED.value),
                ),
            )
        )
    return progress


@dataclass
class HeatRow:
    theme: str
    cells: list[tuple[int, int]]  # (count, shading level), one a review
    total: int
    reviews_with: int
    learning: int = 0  # learning activities carrying the theme: many recommendations and none stands out


def heat_level(count: int, peak: int) -> int:
    return 0 if count == 0 or peak == 0 else max(1, math.ceil(HEAT_LEVELS * count / peak))


def heat_map(parts: dict[int, ReviewPart], reviews: list[Review], learning: dict[str, int]) -> list[HeatRow]:
    """Themes × reviews: how many recommendations of each review carry each theme; beside them, how many
    learning activities carried the theme."""
    themes = sorted({theme for review in reviews for theme in parts[review.pk].themes}, key=str.casefold)
    peak = max((n for review in reviews for n in parts[review.pk].themes.values()), default=0)
    rows = []
    for theme in themes:
        numbers = [parts[review.pk].themes.get(theme, 0) for review in reviews]
        cells = [(n, heat_level(n, peak)) for n in numbers]
        rows.append(HeatRow(theme, cells, sum(numbers), sum(1 for n in numbers if n), learning.get(theme, 0)))
    return rows


def learning_by_theme(user, review: Review | None) -> dict[str, int]:
    """Learning activities in the user's scope (carrying `review`, if given) by theme name: one query."""
    activities = LearningActivity.objects.for_user(user)
    if review is not None:
        activities = activities.filter(reviews=review)
    counts = activities.filter(themes__isnull=False).values_list("themes__name").annotate(n=Count("pk", distinct=True))
    return dict(counts.order_by())


@dataclass
class TrendMonth:
    month: datetime.date
    completed: int
    judged: int
    completed_width: float = 0
    judged_width: float = 0


def _by_month(parts: list[ReviewPart], attribute: str) -> dict[datetime.date, int]:
    months: dict[datetime.date, int] = {}
    for part in parts:
        for month, n in getattr(part, attribute).items():
            months[month] = months.get(month, 0) + n
    return months


def trends(parts: list[ReviewPart], today: datetime.date) -> list[TrendMonth]:
    """Actions completed (by completion date, still done) and judgements recorded, per month."""
    completed, judged = _by_month(parts, "completed"), _by_month(parts, "judged")
    rows = [TrendMonth(m, completed.get(m, 0), judged.get(m, 0)) for m in month_starts(today)]
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
    cache_key: str = ""  # set when cached: names these figures (and their drawing) in the cache


def scope_label(user, board_id: int | None = None):
    """Whose figures these are, for cache keys: the boards, and on them the whole board or a lead's agencies."""
    scope = roles.scope_of(user)
    boards = [board_id] if board_id else sorted(scope.roles)
    return boards, "board" if roles.sees_whole_board(user, boards) else sorted(roles.lead_agency_ids(user, boards))


def in_view(queryset, board_id: int | None):
    """Narrowed to the board in view (someone on several boards), or the whole scope (None)."""
    return queryset.on_boards([board_id]) if board_id else queryset


def user_scope(user, reviews: list[Review], board_id: int | None = None) -> Scope:
    whole_board = roles.sees_whole_board(user, [board_id] if board_id else None)
    return Scope(
        label=scope_label(user, board_id),
        review_ids={review.pk for review in reviews},
        actions=in_view(Action.objects.for_user(user), board_id),
        # The whole board needs no scoping subquery: the heat map counts straight from the themes
        # table, within the reviews in scope.
        recommendations=None if whole_board else in_view(recommendations_for(user), board_id),
        judgements=in_view(AssuranceJudgement.objects.for_user(user), board_id),
    )


def cached_build(user, review_slug: str = "", board_id: int | None = None) -> Dashboard:
    """build(), kept in the cache until any figure could change: a new generation, or a new day (RAG).

    The generations of every review and board-wide list are read first, in one query: any tracked
    change bumps one in the same transaction, so the key changes the moment the change commits.
    When something has changed, build() still takes each unchanged review's counts from the cache.
    """
    if not may(user, "board.view"):
        return Dashboard(has_role=False)
    today = timezone.localdate()
    known = generations.read_all()
    key_parts = (CODE_VERSION, scope_label(user, board_id), review_slug, today.isoformat(), sorted(known.items()))
    key = "lscb:dashboard:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    board = cache.get(key)
    if board is None:
        board = build(user, review_slug, today, known, board_id)
        board.cache_key = key
        cache.set(key, board, CACHE_SECONDS)
    return board


def build(
    user, review_slug: str = "", today: datetime.date | None = None, known: dict | None = None, board_id=None
) -> Dashboard:
    """The dashboard for this user, whole board or narrowed to one review, scoped to what they may see.

    Queries (after the user's roles): reviews in scope; the reviews' counts
    (dashboard_parts: four, for any number of reviews, or none from the cache);
    agency names. With `known` generations, unchanged reviews' counts come from the cache.
    """
    today = today or timezone.localdate()
    if not may(user, "board.view"):
        return Dashboard(has_role=False)
    reviews = list(in_view(reviews_for(user), board_id))
    board = Dashboard(has_role=True, reviews=reviews, review_param=review_slug)
    if review_slug:
        board.review = next((r for r in reviews if r.slug == review_slug), None)
        if board.review is None:
            board.error = f"There is no review “{review_slug}” that you can see: choose a review from the list"
            return board
    shown = [board.review] if board.review else reviews
    scope = user_scope(user, reviews, board_id)
    ids = [review.pk for review in shown]
    if known is None:
        counted = count_parts(scope, ids if board.review else None, today)
        parts = {pk: counted.get(pk, ReviewPart()) for pk in ids}
    else:
        parts = cached_parts(scope, ids, today, known)
    by_agency = sum_by_agency(list(parts.values()))
    names = dict(Agency.objects.filter(pk__in=set(by_agency) - {None}).values_list("pk", "name"))
    board.agency_rows, board.totals = agency_rows(by_agency, names, review_slug or None)
    board.progress = review_progress(parts, shown)
    board.heat_reviews = shown
    board.heat_rows = heat_map(parts, shown, learning_by_theme(user, board.review))
    board.trend = trends(list(parts.values()), today)
    return board
