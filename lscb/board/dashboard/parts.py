"""The dashboard's counts, one part for each review, and the cache that keeps them.

Counting 20,000 actions takes far longer than drawing the dashboard, and a
change to one action alters one review's figures only. So the counts are kept
per review and scope, each with the generations it was counted at
(lscb.board.generations bumps them in the same transaction as every tracked
change, bulk imports included); a later request recounts only the reviews
whose generations moved, and adds up the rest from the cache. Each part has
two panels: the action panel (counts by agency, status, assurance and colour,
completions and judgements by month) follows the review's actions'
generation; the heat map follows its recommendations' and the themes'. An
action's change, the commonest, recounts one review's action panel.
Generations are read before anything is counted, so a part is never kept
under a newer generation than the data it was counted from.
"""

import dataclasses
import datetime
import hashlib
import operator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import cache
from django.db.models import Count, Q

from actions.choices import DONE_STATUSES, OPEN_STATUSES, ActionStatus, AssuranceLevel, Rag
from lscb.platform.generations import files_digest
from reviews import generations as names_of
from reviews.models import Recommendation

# The shape of a cached part: this file's own code (a change to it leaves the old parts behind).
PART_VERSION = files_digest([Path(__file__)])
CACHE_SECONDS = 24 * 3600
TREND_MONTHS = 12


def action_counts(today: datetime.date) -> dict:
    """Conditional aggregates; each filter mirrors its §8 parameter (overdue=1 is Action.objects.overdue())."""
    counts = {"total": Count("pk"), "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today))}
    counts |= {f"status_{s.value}": Count("pk", filter=Q(status=s)) for s in ActionStatus}
    counts |= {f"assurance_{a.value}": Count("pk", filter=Q(assurance_level=a)) for a in AssuranceLevel}
    return counts


RAG_COUNTS = tuple(f"rag_{r.value}" for r in Rag)
COUNT_NAMES = (*action_counts(datetime.date.min), *RAG_COUNTS)
COUNT_INDEX = {name: index for index, name in enumerate(COUNT_NAMES)}


def add_counts(by_key: dict, key, counts: list) -> None:
    """Add a list of counts (COUNT_NAMES order) into by_key[key]."""
    known = by_key.get(key)
    by_key[key] = list(counts) if known is None else list(map(operator.add, known, counts))


@dataclass
class ReviewPart:
    """One review's share of the dashboard, within one user's scope."""

    # agency id (None: board-wide) → counts in COUNT_NAMES order (lists: adding hundreds is quick)
    by_agency: dict = field(default_factory=dict)
    total: list = field(default_factory=lambda: [0] * len(COUNT_NAMES))
    themes: dict = field(default_factory=dict)  # theme name → recommendations carrying it
    completed: dict = field(default_factory=dict)  # month → actions completed in it (and still done)
    judged: dict = field(default_factory=dict)  # month → assurance judgements recorded in it


@dataclass
class Scope:
    """What one user may count: querysets already narrowed to their agencies, and a cache label."""

    label: object
    review_ids: set  # every review the user can see
    actions: object
    recommendations: object  # None: the whole board, no scoping subquery needed
    judgements: object


def month_starts(today: datetime.date, months: int = TREND_MONTHS) -> list[datetime.date]:
    """The first day of each of the last `months` months, oldest first, this month last."""
    starts, year, month = [], today.year, today.month
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def trend_start(today: datetime.date) -> datetime.date:
    return month_starts(today)[0]


def _rows_by_review(queryset, review_ids: list[int] | None, review_field: str):
    return queryset if review_ids is None else queryset.filter(**{f"{review_field}__in": review_ids})


# A part's panels, each counted on its own; PANEL_FIELDS names the ReviewPart fields each fills.
ACTIONS, THEMES = "actions", "themes"
PANELS = (ACTIONS, THEMES)
PANEL_FIELDS = {ACTIONS: ("by_agency", "total", "completed", "judged"), THEMES: ("themes",)}


def count_parts(
    scope: Scope, review_ids: list[int] | None, today: datetime.date, panels=PANELS
) -> dict[int, ReviewPart]:
    """Count these reviews' panels (None: every review in scope): at most four queries, whatever their number."""
    parts: dict[int, ReviewPart] = {pk: ReviewPart() for pk in review_ids or ()}

    def part(review_id: int) -> ReviewPart:
        return parts.setdefault(review_id, ReviewPart())

    if ACTIONS in panels:
        actions = _rows_by_review(scope.actions, review_ids, "review")  # Action.review: no join
        _count_actions(actions, today, part)
        judgements = _rows_by_review(scope.judgements, review_ids, "action__review")
        window = (trend_start(today), today)
        for review_id, day, n in _per_day(judgements.filter(judged_on__range=window), "judged_on", "action__"):
            _add_to_month(part(review_id).judged, day, n)
    if THEMES in panels:
        _count_themes(scope, review_ids, part)
    return parts


def _count_actions(actions, today: datetime.date, part) -> None:
    """Actions by agency, status, assurance and colour; completions by month."""
    for values in (
        actions.with_rag(today)
        .order_by()
        .values("agency_id", "review_id", "rag_value")
        .annotate(**action_counts(today))
    ):
        counts = [0 if name in RAG_COUNTS else values[name] for name in COUNT_NAMES]
        counts[COUNT_INDEX[f"rag_{values['rag_value']}"]] = values["total"]
        review_part = part(values["review_id"])
        add_counts(review_part.by_agency, values["agency_id"], counts)
        review_part.total = list(map(operator.add, review_part.total, counts))
    done = actions.filter(status__in=DONE_STATUSES, completed_on__range=(trend_start(today), today))
    for review_id, day, n in _per_day(done, "completed_on"):
        _add_to_month(part(review_id).completed, day, n)


def _count_themes(scope: Scope, review_ids: list[int] | None, part) -> None:
    through = Recommendation.themes.through.objects.all()
    if scope.recommendations is not None:
        through = through.filter(recommendation__in=scope.recommendations.values("pk"))
    # Every review in scope is the board's (or boards'), never the whole deployment's.
    through = _rows_by_review(through, review_ids or sorted(scope.review_ids), "recommendation__review")
    for theme, review_id, n in (
        through.order_by().values_list("theme__name", "recommendation__review_id").annotate(n=Count("pk"))
    ):
        part(review_id).themes[theme] = n


def _add_to_month(months: dict, day: datetime.date, n: int) -> None:
    month = day.replace(day=1)
    months[month] = months.get(month, 0) + n


def _per_day(queryset, date_field: str, via: str = ""):
    """(review, day, count) rows. Grouped by day, not month: a day is a plain column on every
    database, where truncating to the month calls a Python function per row on SQLite."""
    review = f"{via}review_id"
    return (
        queryset.order_by().values_list(review, date_field).annotate(n=Count("pk")).values_list(review, date_field, "n")
    )


def panel_stamps(generations: dict[str, int], review_id: int) -> dict[str, tuple]:
    """What each panel of a review's part was counted from."""
    actions, recommendations = names_of.of_review_actions(review_id), names_of.of_review(review_id)
    return {
        ACTIONS: (generations.get(actions, 0),),
        THEMES: (generations.get(recommendations, 0), generations.get(names_of.THEMES, 0)),
    }


def cached_parts(scope: Scope, review_ids: list[int], today: datetime.date, generations: dict) -> dict[int, ReviewPart]:
    """Each review's part, from the cache where its generations are unchanged, counted afresh otherwise.

    One cache entry holds a scope's parts (a board has hundreds of reviews; one entry each would
    crowd everything else out of the cache), each with the generations it was counted at.
    """
    key = _parts_key(scope.label, today)
    known: dict = cache.get(key) or {}
    stamps = {pk: panel_stamps(generations, pk) for pk in review_ids}
    parts = {pk: known[pk][1] for pk in review_ids if pk in known}
    missing = [pk for pk in review_ids if pk not in parts]
    if missing:
        counted = count_parts(scope, None if set(missing) == scope.review_ids else missing, today)
        parts |= {pk: counted.get(pk, ReviewPart()) for pk in missing}
    for panel in PANELS:
        stale = [pk for pk in review_ids if pk not in missing and known[pk][0][panel] != stamps[pk][panel]]
        if stale:
            counted = count_parts(scope, stale, today, panels=(panel,))
            for pk in stale:
                parts[pk] = dataclasses.replace(parts[pk], **{f: getattr(counted[pk], f) for f in PANEL_FIELDS[panel]})
    changed = {pk: (stamps[pk], parts[pk]) for pk in review_ids if pk not in known or known[pk][0] != stamps[pk]}
    if changed:
        cache.set(key, known | changed, CACHE_SECONDS)
    return parts


def _parts_key(scope_label, today: datetime.date) -> str:
    parts = (PART_VERSION, scope_label, today.isoformat())
    return "lscb:dashboard-parts:" + hashlib.sha256(repr(parts).encode()).hexdigest()
