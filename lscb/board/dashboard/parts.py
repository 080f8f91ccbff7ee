"""The dashboard's counts, one part for each review, and the cache that keeps them.

Counting 20,000 actions takes far longer than drawing the dashboard, and a
change to one action alters one review's figures only. So the counts are kept
per review, scope and panel (action counts, themes, judgements), each with the
board's history stamp and the moment it was last known good; a later request
recounts only the panels of the reviews that history says were touched since
(changed_reviews), and adds up the rest from the cache.

The audit history is the one record every write leaves (bulk imports
included), so a part is never staler than the history says. History rows are
dated when saved but seen when committed, so "since" reaches COMMIT_MARGIN
further back than the moment a part was known good.
"""

import dataclasses
import datetime
import functools
import hashlib
import operator
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, Value
from django.utils import timezone

from actions.choices import DONE_STATUSES, OPEN_STATUSES, ActionStatus, AssuranceLevel, Rag
from actions.models import Action
from assurance.models import AssuranceJudgement
from reviews.models import Agency, Recommendation, Review, Theme

PART_VERSION = 6  # bump when ReviewPart's shape changes
CACHE_SECONDS = 24 * 3600
TREND_MONTHS = 12
# History rows are stamped when saved but seen only when their transaction commits, perhaps
# after a part was counted; a part is checked against everything saved this long before it.
COMMIT_MARGIN = datetime.timedelta(minutes=10)
# The tables whose history stamps the board, in board_stamp()'s order.
STAMPED = (Review, Recommendation, Action, AssuranceJudgement, Agency, Theme)


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


@functools.cache
def historical(model):
    """The model's history table; `Model.history` builds a new manager class on every access."""
    return model.history.model


def board_stamp() -> tuple:
    """The newest history row of every table the dashboard counts from, and how many rows each
    saved in the last COMMIT_MARGIN, in one query.

    Any change to a review, recommendation (its themes included: simple-history
    writes a row for an m2m change), action, judgement, agency or theme writes
    a history row, so a changed stamp means changed figures. The newest row alone
    would miss a transaction that commits after a later one (its row is not the
    newest); the recent count sees it arrive.
    """
    tables = [quote_name(historical(model)._meta.db_table) for model in STAMPED]
    newest = [f"(SELECT MAX(history_id) FROM {table})" for table in tables]
    recent = [f"(SELECT COUNT(*) FROM {table} WHERE history_date >= %s)" for table in tables]
    since = timezone.now() - COMMIT_MARGIN
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(newest + recent), [since] * len(tables))
        return tuple(cursor.fetchone())


def quote_name(name: str) -> str:
    return connection.ops.quote_name(name)


# A part's panels, each counted on its own: most changes (an action's status) touch one.
COUNTS, THEMES, JUDGED = "counts", "themes", "judged"  # by agency and completions; heat map; judgements
PANELS = (COUNTS, THEMES, JUDGED)
PANEL_FIELDS = {COUNTS: ("by_agency", "total", "completed"), THEMES: ("themes",), JUDGED: ("judged",)}


def changed_reviews(since: datetime.datetime) -> dict[str, set[int] | None]:
    """For each panel, the reviews whose figures may have changed since this moment (None: any).

    An action's change touches the counts of every review its recommendation has
    ever belonged to, so a move away is seen as well as a move in; a moved
    action takes its judgements along. A recommendation's change (its themes,
    or a move) touches every panel of its reviews; a theme's change relabels
    every heat map. Agencies' and reviews' own history changes no figure.
    Four small queries, each led by an index (history dates, then ids).
    """
    recent = {model: historical(model).objects.filter(history_date__gte=since).order_by() for model in STAMPED}
    themes_renamed = recent[Theme].exists()
    touched = (
        recent[Action]
        .values_list("id", Value(COUNTS))
        .union(recent[AssuranceJudgement].values_list("action_id", Value(JUDGED)))
    )
    by_action: dict[int, set[str]] = {}
    for pk, panel in touched:
        by_action.setdefault(pk, set()).add(panel)
    action_rows = historical(Action).objects.filter(id__in=list(by_action)).order_by()
    recommendations_of: dict[int, set[int]] = {}
    for pk, recommendation_id in action_rows.values_list("id", "recommendation_id"):
        recommendations_of.setdefault(pk, set()).add(recommendation_id)
    panels_by_recommendation: dict[int, set[str]] = {
        pk: set(PANELS) for pk in recent[Recommendation].values_list("id", flat=True)
    }
    for pk, recommendation_ids in recommendations_of.items():
        panels = set(by_action[pk]) | ({JUDGED} if len(recommendation_ids) > 1 else set())  # moved
        for recommendation_id in recommendation_ids:
            panels_by_recommendation.setdefault(recommendation_id, set()).update(panels)
    changed: dict[str, set[int] | None] = {panel: set() for panel in PANELS}
    rows = historical(Recommendation).objects.filter(id__in=list(panels_by_recommendation)).order_by()
    for recommendation_id, review_id in rows.values_list("id", "review_id"):
        for panel in panels_by_recommendation[recommendation_id]:
            changed[panel].add(review_id)
    if themes_renamed:
        changed[THEMES] = None
    return changed


def _rows_by_review(queryset, review_ids: list[int] | None, review_field: str):
    return queryset if review_ids is None else queryset.filter(**{f"{review_field}__in": review_ids})


def count_parts(
    scope: Scope, review_ids: list[int] | None, today: datetime.date, panels=PANELS
) -> dict[int, ReviewPart]:
    """Count these reviews' panels (None: every review in scope): at most four queries, whatever their number."""
    parts: dict[int, ReviewPart] = {pk: ReviewPart() for pk in review_ids or ()}

    def part(review_id: int) -> ReviewPart:
        return parts.setdefault(review_id, ReviewPart())

    actions = _rows_by_review(scope.actions, review_ids, "review")  # Action.review: no join
    if COUNTS in panels:
        _count_actions(actions, today, part)
    if THEMES in panels:
        _count_themes(scope, review_ids, part)
    if JUDGED in panels:
        judgements = _rows_by_review(scope.judgements, review_ids, "action__review")
        window = (trend_start(today), today)
        for review_id, day, n in _per_day(judgements.filter(judged_on__range=window), "judged_on", "action__"):
            _add_to_month(part(review_id).judged, day, n)
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
    through = _rows_by_review(through, review_ids, "recommendation__review")
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


def cached_parts(scope: Scope, review_ids: list[int], today: datetime.date, stamp: tuple) -> dict[int, ReviewPart]:
    """Each review's part, from the cache where nothing touching it changed, counted afresh otherwise.

    One cache entry holds a scope's parts (a board has hundreds of reviews; one entry each would
    crowd everything else out of the cache), each part with the stamp and time it was last known good.
    """
    key = _parts_key(scope.label, today)
    known: dict = cache.get(key) or {}
    checked_at = timezone.now()
    parts, stale = {}, []
    for pk in review_ids:
        if pk not in known:
            continue
        part_stamp, good_at, part = known[pk]
        if part_stamp == stamp:
            parts[pk] = part
        elif all(old <= new for old, new in zip(_comparable(part_stamp), _comparable(stamp), strict=True)):
            parts[pk], stale = part, [*stale, good_at]
        # else: history went backwards (a restored backup); the part belongs to another past
    if not stale and len(parts) == len(review_ids):
        return parts
    missing = [pk for pk in review_ids if pk not in parts]
    if missing:
        counted = count_parts(scope, None if set(missing) == scope.review_ids else missing, today)
        parts |= {pk: counted.get(pk, ReviewPart()) for pk in missing}
    if stale:
        parts |= _recount_changed(scope, today, parts, changed_reviews(min(stale) - COMMIT_MARGIN), set(missing))
    # Nothing touching these parts was saved before `checked_at` (less the margin): good from then on.
    known |= {pk: (stamp, checked_at, part) for pk, part in parts.items()}
    cache.set(key, known, CACHE_SECONDS)
    return parts


def _recount_changed(scope: Scope, today: datetime.date, parts: dict, changed: dict, fresh: set) -> dict:
    """The parts with each changed panel counted again; unchanged panels kept as they were."""
    recounted: dict[int, ReviewPart] = {}
    for panel in PANELS:
        ids = [pk for pk in parts if pk not in fresh and (changed[panel] is None or pk in changed[panel])]
        if not ids:
            continue
        counted = count_parts(scope, ids, today, panels=(panel,))
        for pk in ids:
            part = recounted.setdefault(pk, dataclasses.replace(parts[pk]))
            new = counted.get(pk, ReviewPart())
            for name in PANEL_FIELDS[panel]:
                setattr(part, name, getattr(new, name))
    return recounted


def _comparable(stamp: tuple) -> tuple:
    """The stamp's newest-row ids (its recent counts fall as rows age; the ids never do)."""
    return tuple(value or 0 for value in stamp[: len(STAMPED)])


def _parts_key(scope_label, today: datetime.date) -> str:
    parts = (PART_VERSION, scope_label, today.isoformat())
    return "lscb:dashboard-parts:" + hashlib.sha256(repr(parts).encode()).hexdigest()
