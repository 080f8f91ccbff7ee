"""The annual report pack (DESIGN.md §11): the board's year, built from the record, for a Word file and a PDF.

One section per statutory requirement (Care Act 2014 Schedule 2 paragraph 4 for an adults board; a children's
partnership's yearly report on its reviews and their effectiveness). Every figure names the filtered list in
the product that shows the same rows (`Figure.source`), so a reader can check it; the pack's notes list them.
Everything is read through the requester's scope (`for_user`) narrowed to the pack's board (`on_boards`), in the
worker (assurance.annual_report_files). A joint review counts for its lead board and for each partner board, with all
its recommendations and actions, as on those boards' lists; a learning activity counts for the board that shared it.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from actions.choices import DONE_STATUSES, ActionStatus, AssuranceLevel
from actions.models import Action
from actions.scope import recommendations_for, reviews_for
from assurance.models import AssuranceJudgement
from lscb.platform.values import short_date
from reviews.models import Board, LearningActivity, Milestone, Recommendation, Review

FINANCIAL, CALENDAR = "financial", "calendar"
EVIDENCED = (ActionStatus.EVIDENCED, ActionStatus.EMBEDDED)
SECTION_TITLES = [
    "Reviews commissioned, concluded and ongoing",
    "Findings and recommendations of reviews concluded in the year",
    "Actions completed, evidenced and impact evidenced",
    "Decisions not to implement a recommendation, and the reasons",
    "Learning shared and attendance",
    "Themes across reviews",
    "Assurance received, by agency",
    "Timeliness",
    "Notes: where each figure comes from",
]


def year_bounds(year: int, kind: str = FINANCIAL) -> tuple[datetime.date, datetime.date]:
    """The reporting year: April `year` to March `year + 1` (financial), or January to December (calendar)."""
    if kind == CALENDAR:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def year_label(year: int, kind: str) -> str:
    return str(year) if kind == CALENDAR else f"{year} to {year + 1}"


def list_url(name: str, **params) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")], doseq=True)
    return reverse(name) + (f"?{query}" if query else "")


@dataclass
class Figure:
    """A number in the pack and the list in the product that shows the same rows."""

    label: str
    count: int
    source: str


@dataclass
class ReviewActions:
    review: Review
    total: Figure
    completed: Figure
    evidenced: Figure
    impact_evidenced: Figure


@dataclass
class Timeliness:
    """One review's milestones due in the year, as they stand: done on time, done late, overdue, not yet due."""

    review: Review
    due: Figure
    on_time: Figure
    late: Figure
    overdue: Figure
    not_yet_due: Figure
    milestones: list[Milestone]

    @property
    def figures(self) -> list[Figure]:
        return [self.due, self.on_time, self.late, self.overdue, self.not_yet_due]


@dataclass
class Pack:
    year: int
    kind: str
    start: datetime.date
    end: datetime.date
    board_name: str
    protective_marking: str
    generated_by: str
    generated_at: datetime.datetime
    commissioned: list[Review] = field(default_factory=list)
    concluded: list[Review] = field(default_factory=list)
    ongoing: list[Review] = field(default_factory=list)
    counts: list[Figure] = field(default_factory=list)
    findings: list[tuple[Review, list[Recommendation]]] = field(default_factory=list)
    actions: list[ReviewActions] = field(default_factory=list)
    not_implemented: list[Recommendation] = field(default_factory=list)
    learning: list[LearningActivity] = field(default_factory=list)
    learning_total: Figure | None = None
    attendance_by_agency: list[tuple[str, int]] = field(default_factory=list)
    themes: list[tuple[str, int, int]] = field(default_factory=list)  # theme, recommendations, learning activities
    assurance: list[tuple[str, list[int]]] = field(default_factory=list)  # counts in assurance_levels' order
    assurance_levels: list[tuple[str, str]] = field(default_factory=list)
    timeliness: list[Timeliness] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Annual report {year_label(self.year, self.kind)}: case reviews, learning and impact"

    @property
    def period(self) -> str:
        return f"{short_date(self.start)} to {short_date(self.end)}"

    @property
    def sources(self) -> list[Figure]:
        figures = [*self.counts]
        for row in self.actions:
            figures += [row.total, row.completed, row.evidenced, row.impact_evidenced]
        figures += [figure for row in self.timeliness for figure in row.figures]
        return figures + ([self.learning_total] if self.learning_total else [])


def build(user, year: int, kind: str, board: Board) -> Pack:
    """The pack of `board` for `user`'s scope and this reporting year: a bounded number of queries whatever the
    board's size."""
    start, end = year_bounds(year, kind)
    pack = Pack(year, kind, start, end, board.name, board.protective_marking,
                user.get_full_name() or user.username, timezone.now())  # fmt: skip
    on_board = [board.pk]
    reviews = list(reviews_for(user).on_boards(on_board).order_by("commissioned_on", "pk"))
    pack.commissioned = [r for r in reviews if r.commissioned_on and start <= r.commissioned_on <= end]
    pack.concluded = [r for r in reviews if r.published_on and start <= r.published_on <= end]
    pack.ongoing = [
        r
        for r in reviews
        if r.commissioned_on and r.commissioned_on <= end and not (r.published_on and r.published_on <= end)
    ]
    first, last, slug = start.isoformat(), end.isoformat(), board.slug
    pack.counts = [
        Figure("Reviews commissioned in the year", len(pack.commissioned),
               list_url("board:reviews", board=slug, commissioned_after=first, commissioned_before=last)),
        Figure("Reviews concluded (published) in the year", len(pack.concluded),
               list_url("board:reviews", board=slug, published_after=first, published_before=last)),
        Figure("Reviews ongoing at the year end", len(pack.ongoing),
               list_url("board:reviews", board=slug, ongoing_on=last)),
    ]  # fmt: skip
    _recommendations(pack, user, on_board)
    _actions(pack, user, on_board, slug)
    _learning(pack, user, on_board, slug)
    _assurance(pack, user, on_board)
    _timeliness(pack, reviews, slug)
    return pack


def _recommendations(pack: Pack, user, on_board: list[int]) -> None:
    concluded = [r.pk for r in pack.concluded]
    recommendations = (
        recommendations_for(user)
        .on_boards(on_board)
        .select_related("agency", "review")
        .order_by("review", "sort_key", "pk")
    )
    by_review = defaultdict(list)
    for rec in recommendations.filter(review__in=concluded):
        by_review[rec.review_id].append(rec)
    pack.findings = [(review, by_review.get(review.pk, [])) for review in pack.concluded]
    pack.not_implemented = list(
        recommendations.filter(
            decision__in=Recommendation.DECISIONS_NEEDING_REASONS, decided_on__gte=pack.start, decided_on__lte=pack.end
        )
    )
    themes = (
        recommendations.filter(review__in=[r.pk for r in pack.concluded + pack.ongoing], themes__isnull=False)
        .values_list("themes__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    pack.themes = [(name, n, 0) for name, n in themes]


def _actions(pack: Pack, user, on_board: list[int], slug: str) -> None:
    """Actions of the reviews concluded in the year or ongoing at its end, by status, as they stand now."""
    shown = pack.concluded + [r for r in pack.ongoing if r not in pack.concluded]
    counts = (
        Action.objects.for_user(user)
        .on_boards(on_board)
        .filter(review__in=[r.pk for r in shown])
        .values_list("review", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_review: dict[int, Counter] = defaultdict(Counter)
    for review_id, status, n in counts:
        by_review[review_id][status] += n
    url = reverse("actions:list")
    for review in shown:
        c = by_review[review.pk]

        def figure(label: str, statuses, review=review, c=c) -> Figure:
            query = urlencode([("board", slug), ("review", review.slug), *[("status", s.value) for s in statuses]])
            return Figure(label, sum(c[s] for s in statuses), f"{url}?{query}")

        pack.actions.append(
            ReviewActions(
                review,
                Figure("Actions", sum(c.values()), list_url("actions:list", board=slug, review=review.slug)),
                figure("Completed", DONE_STATUSES),
                figure("Completed and evidenced", EVIDENCED),
                figure("Impact evidenced (embedded)", (ActionStatus.EMBEDDED,)),
            )
        )


def _learning(pack: Pack, user, on_board: list[int], slug: str) -> None:
    activities = (
        LearningActivity.objects.for_user(user)
        .on_boards(on_board)
        .filter(held_on__gte=pack.start, held_on__lte=pack.end)
    )
    pack.learning = list(activities.with_attendance().prefetch_related("reviews").order_by("held_on", "pk"))
    pack.learning_total = Figure(
        "Learning activities in the year",
        len(pack.learning),
        list_url(
            "reviews:learning-list", board=slug, held_after=pack.start.isoformat(), held_before=pack.end.isoformat()
        ),
    )
    attendance = (
        activities.values_list("attendances__agency__name")
        .annotate(n=Sum("attendances__attendees"))
        .filter(attendances__agency__isnull=False)
        .order_by("attendances__agency__name")
    )
    pack.attendance_by_agency = list(attendance)
    learning = dict(
        activities.filter(themes__isnull=False)
        .values_list("themes__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    names = {name for name, _n, _l in pack.themes} | set(learning)
    recs = {name: n for name, n, _l in pack.themes}
    pack.themes = sorted(
        ((name, recs.get(name, 0), learning.get(name, 0)) for name in names), key=lambda t: (-t[1], t[0])
    )


def _assurance(pack: Pack, user, on_board: list[int]) -> None:
    """Judgements recorded in the year, by agency and level ("no further assurance received" among them)."""
    rows = (
        AssuranceJudgement.objects.for_user(user)
        .on_boards(on_board)
        .filter(judged_on__gte=pack.start, judged_on__lte=pack.end)
        .values_list("action__agency__name", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_agency: dict[str, dict[str, int]] = defaultdict(dict)
    for agency, level, n in rows:
        by_agency[agency or "Board-wide"][level] = n
    pack.assurance_levels = [(a.value, a.label) for a in AssuranceLevel if a != AssuranceLevel.AWAITING]
    pack.assurance = [
        (agency, [levels.get(value, 0) for value, _label in pack.assurance_levels])
        for agency, levels in sorted(by_agency.items())
    ]


# The timeliness columns after "due in the year": (their words, the milestone states they count).
TIMELINESS_STATES = [
    ("done on time", [Milestone.State.DONE]),
    ("done late", [Milestone.State.DONE_LATE]),
    ("overdue", [Milestone.State.OVERDUE]),
    ("not yet due", [Milestone.State.DUE_SOON, Milestone.State.ON_TIME]),
]


def _timeliness(pack: Pack, reviews: list[Review], slug: str) -> None:
    """The statutory milestones (DESIGN.md §10) of the board's reviews that fell due in the year (by the date due,
    extensions agreed included), as they stand now. Each count cites the milestone list (/milestones/) of that
    review, due in the year, in those states: the same rows, counted on the same day."""
    today = timezone.localdate()
    by_review: dict[int, list[Milestone]] = defaultdict(list)
    due = Milestone.objects.filter(review__in=[r.pk for r in reviews], due_on__gte=pack.start, due_on__lte=pack.end)
    for milestone in due.order_by("review", "due_on", "order", "pk"):
        by_review[milestone.review_id].append(milestone)
    for review in reviews:
        milestones = by_review.get(review.pk)
        if not milestones:
            continue
        states = Counter(m.state_on(today) for m in milestones)
        name = review.reference or review.title

        def cited(label: str, count: int, wanted=(), review=review) -> Figure:
            source = list_url("board:milestones", board=slug, review=review.slug, due_after=pack.start.isoformat(),
                              due_before=pack.end.isoformat(), state=[state.value for state in wanted])  # fmt: skip
            return Figure(label, count, source)

        pack.timeliness.append(
            Timeliness(
                review,
                cited(f"Milestones due in the year: {name}", len(milestones)),
                *[
                    cited(f"Milestones due in the year, {words}: {name}", sum(states[s] for s in wanted), wanted)
                    for words, wanted in TIMELINESS_STATES
                ],
                milestones=milestones,
            )
        )
