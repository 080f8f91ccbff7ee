"""Compare a validated plan with the database: what an import would create, update and leave alone.

The comparison reads the review's recommendations, actions and themes, and
every agency and theme, in five queries whatever the size of the file. It is
what the preview shows, and (recomputed inside the write transaction) what
the import writes, so the two cannot drift apart.

Matching, chosen so that re-importing the same file is a no-op:
- a recommendation is matched on review + number ("6.4" and "6.4." are the same);
- an action is matched within its recommendation by its description first; rows
  left over are then paired, in order, with the recommendation's unmatched actions
  (oldest first), so that correcting an action's wording in the spreadsheet updates
  it in place rather than adding a second action. Rows still left over are new actions.
- Nothing the file does not mention is deleted: such recommendations and actions are counted and left alone.
"""

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from actions.choices import ActionStatus, AssuranceLevel
from actions.models import Action
from lscb.board.plan_import.problems import PlanFileError, PlanProblem
from lscb.board.plan_import.validation import Plan, PlanAction, PlanRecommendation, number_key
from lscb.platform.diff import FieldChange, field_change, set_change
from reviews.models import Agency, Recommendation, Review, Theme

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
# What a new action holds when the file says nothing: the judgement it implies is no judgement.
NO_ASSURANCE = (AssuranceLevel.AWAITING, "")


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class FieldWrite:
    """One field an import would write: the value it holds now and the file's value.

    Values are as the file names them (agency and theme names, dates, choice values);
    `change` prints them with the platform's one diff display for the preview.
    """

    model: type
    field: str
    old: Any
    new: Any

    @property
    def change(self) -> FieldChange:
        if self.field == "themes":
            return set_change("Themes", self.old or [], self.new or [])
        return field_change(self.model._meta.get_field(self.field), self.old, self.new)


@dataclass
class RecommendationChange:
    plan: PlanRecommendation
    recommendation: Recommendation | None
    kind: str
    writes: list[FieldWrite]

    @property
    def changes(self) -> list[FieldChange]:
        return [write.change for write in self.writes]


@dataclass
class ActionChange:
    plan: PlanAction
    number: str
    action: Action | None
    kind: str
    writes: list[FieldWrite]

    @property
    def changes(self) -> list[FieldChange]:
        return [write.change for write in self.writes]

    records_judgement: bool


@dataclass
class PlanChanges:
    """Everything an import of `plan` into `review` would do, given the database as it is now."""

    review: Review
    plan: Plan
    sha256: str
    agencies: dict[str, Agency]  # by name_key: existing agencies the file names
    themes: dict[str, Theme]  # by name_key: existing themes
    new_agencies: list[str]
    new_themes: list[str]
    recommendations: list[RecommendationChange] = field(default_factory=list)
    actions: list[ActionChange] = field(default_factory=list)
    recommendations_left: int = 0
    actions_left: int = 0

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "agencies": {"created": len(self.new_agencies)},
            "themes": {"created": len(self.new_themes)},
            "recommendations": _tally(self.recommendations),
            "actions": _tally(self.actions),
            "judgements": {"created": sum(change.records_judgement for change in self.actions)},
        }

    def new_agencies_to_check(self) -> list[tuple[str, str | None]]:
        """Each new agency with the existing agency it most resembles, if any: a likely misspelling."""
        return [(name, _close_match(name, self.agencies)) for name in self.new_agencies]

    def new_themes_to_check(self) -> list[tuple[str, str | None]]:
        return [(name, _close_match(name, self.themes)) for name in self.new_themes]

    @property
    def has_changes(self) -> bool:
        return bool(self.review.pk is None or self.new_agencies or self.new_themes) or any(
            change.kind != UNCHANGED for change in [*self.recommendations, *self.actions]
        )

    def fingerprint(self) -> str:
        """A digest of the file and of every planned write with the values it replaces.

        The confirm step recomputes this: if anything it would write, or would
        overwrite, differs from what the user previewed, the digests differ.
        """
        canonical = {
            "file": self.sha256,
            "review": self.review.pk,
            "agencies": self.new_agencies,
            "themes": self.new_themes,
            "recommendations": [_canonical(c, c.recommendation) for c in self.recommendations],
            "actions": [[*_canonical(c, c.action), c.plan.row, c.records_judgement] for c in self.actions],
            "left": [self.recommendations_left, self.actions_left],
        }
        return hashlib.sha256(json.dumps(canonical, default=str, sort_keys=True).encode()).hexdigest()


def _close_match(name: str, known: dict) -> str | None:
    match = difflib.get_close_matches(name_key(name), list(known), n=1, cutoff=0.8)
    return known[match[0]].name if match else None


def _tally(changes) -> dict[str, int]:
    kinds = [change.kind for change in changes]
    return {"created": kinds.count(CREATE), "updated": kinds.count(UPDATE), "unchanged": kinds.count(UNCHANGED)}


def _canonical(change, instance) -> list:
    return [change.kind, instance.pk if instance else None, [[c.field, c.old, c.new] for c in change.writes]]


def compare(review: Review, plan: Plan, sha256: str) -> PlanChanges:
    """What importing `plan` into `review` would do now. Reads, never writes."""
    agencies = _agency_lookup()
    themes = {name_key(theme.name): theme for theme in Theme.objects.all()}
    changes = PlanChanges(
        review,
        plan,
        sha256,
        agencies=agencies,
        themes=themes,
        new_agencies=_new_names([a.agency for r in plan.recommendations for a in r.actions], agencies),
        new_themes=_new_names([t for r in plan.recommendations for t in r.themes or []], themes),
    )
    existing = _existing_recommendations(review)
    seen: set[int] = set()
    for plan_rec in plan.recommendations:
        recommendation = existing.get(number_key(plan_rec.number))
        changes.recommendations.append(_compare_recommendation(changes, plan_rec, recommendation))
        actions = list(recommendation.actions.all()) if recommendation else []
        if recommendation:
            seen.add(recommendation.pk)
        changes.actions += _compare_actions(changes, plan_rec, actions)
    changes.recommendations_left = len(existing) - len(seen)
    matched_actions = {change.action.pk for change in changes.actions if change.action}
    changes.actions_left = sum(
        1 for rec in existing.values() for action in rec.actions.all() if action.pk not in matched_actions
    )
    _check_statuses(changes, existing)
    return changes


def _check_statuses(changes: PlanChanges, existing: dict[str, Recommendation]) -> None:
    """Every status the file sets passes the one rule for status changes (Action.status_problem): "Embedded"
    needs an impact evaluation judged "impact evidenced", which an import cannot record. One query for each
    action the file would newly make Embedded (rare), none otherwise."""
    problems = []
    for change in changes.actions:
        status = change.plan.values.get("status")
        if status != ActionStatus.EMBEDDED or (change.action is not None and change.action.status == status):
            continue
        recommendation = existing.get(number_key(change.number))
        action = change.action or Action(recommendation_id=recommendation.pk if recommendation else None)
        if problem := action.status_problem(status):
            problems.append(PlanProblem(problem, change.plan.row, "status"))
    if problems:
        raise PlanFileError(problems)


def _agency_lookup() -> dict[str, Agency]:
    """Agencies by name, and by short name where that is unambiguous ("CSC" finds Children's Social Care)."""
    agencies = list(Agency.objects.all())
    lookup: dict[str, Agency] = {}
    short_names = [name_key(agency.short_name) for agency in agencies if agency.short_name]
    for agency in agencies:
        short = name_key(agency.short_name)
        if short and short_names.count(short) == 1:
            lookup.setdefault(short, agency)
    for agency in agencies:
        lookup[name_key(agency.name)] = agency
    return lookup


def _new_names(names: list[str], known: dict) -> list[str]:
    new: dict[str, str] = {}
    for name in names:
        if name_key(name) not in known:
            new.setdefault(name_key(name), " ".join(name.split()))
    return list(new.values())


def _existing_recommendations(review: Review) -> dict[str, Recommendation]:
    if review.pk is None:
        return {}
    recommendations = (
        Recommendation.objects.filter(review=review)
        .select_related("agency")
        .prefetch_related("themes", Prefetch("actions", Action.objects.select_related("agency").order_by("pk")))
        .order_by("pk")
    )
    return {number_key(rec.number): rec for rec in recommendations}


def agency_name(changes: PlanChanges, name: str) -> str:
    """The name the agency has, or will have once created."""
    agency = changes.agencies.get(name_key(name))
    return agency.name if agency else " ".join(name.split())


def _compare_recommendation(
    changes: PlanChanges, plan_rec: PlanRecommendation, recommendation: Recommendation | None
) -> RecommendationChange:
    wanted: dict[str, Any] = {"agency": agency_name(changes, plan_rec.agency), "text": plan_rec.text}
    wanted.update(plan_rec.values)
    current: dict[str, Any] = {}
    if recommendation:
        current = {"agency": recommendation.agency.name if recommendation.agency else None, "text": recommendation.text}
        current.update({name: getattr(recommendation, name) for name in plan_rec.values})
    else:
        # A new recommendation starts undecided: an empty cell is no change.
        current = {name: Recommendation._meta.get_field(name).get_default() for name in plan_rec.values}
    field_changes = [
        FieldWrite(Recommendation, name, current.get(name), value)
        for name, value in wanted.items()
        if current.get(name) != value
    ]
    if plan_rec.themes is not None:
        known = changes.themes
        wanted_themes = [known[name_key(t)].name if name_key(t) in known else t for t in plan_rec.themes]
        current_themes = sorted(theme.name for theme in recommendation.themes.all()) if recommendation else []
        if {name_key(t) for t in wanted_themes} != {name_key(t) for t in current_themes}:
            field_changes.append(FieldWrite(Recommendation, "themes", current_themes, wanted_themes))
    kind = CREATE if recommendation is None else UPDATE if field_changes else UNCHANGED
    return RecommendationChange(plan_rec, recommendation, kind, field_changes)


def _compare_actions(changes: PlanChanges, plan_rec: PlanRecommendation, actions: list[Action]) -> list[ActionChange]:
    pairs = _pair_actions(plan_rec.actions, actions)
    return [_compare_action(changes, plan_rec, row, pairs.get(row.row)) for row in plan_rec.actions]


def _pair_actions(rows: list[PlanAction], actions: list[Action]) -> dict[int, Action]:
    """Match file rows to existing actions: same description first, then the rest in order."""
    unused = sorted(actions, key=lambda action: action.pk)
    pairs: dict[int, Action] = {}
    for row in rows:
        match = next((action for action in unused if action.description == row.description), None)
        if match is not None:
            pairs[row.row] = match
            unused.remove(match)
    for row, action in zip([r for r in rows if r.row not in pairs], unused, strict=False):
        pairs[row.row] = action
    return pairs


def _compare_action(
    changes: PlanChanges, plan_rec: PlanRecommendation, plan_action: PlanAction, action: Action | None
) -> ActionChange:
    wanted = {"agency": agency_name(changes, plan_action.agency), "description": plan_action.description}
    wanted.update(plan_action.values)
    field_changes = []
    for name, value in wanted.items():
        old = None if action is None else _current(action, name)
        if action is None or old != value:
            field_changes.append(FieldWrite(Action, name, old, value))
    if action is None:
        after = (wanted.get("assurance_level", NO_ASSURANCE[0]), wanted.get("assurance_statement", ""))
        judgement = after != NO_ASSURANCE
        kind = CREATE
    else:
        judgement = any(c.field in ("assurance_level", "assurance_statement") for c in field_changes)
        kind = UPDATE if field_changes else UNCHANGED
    return ActionChange(plan_action, plan_rec.number, action, kind, field_changes, judgement)


def _current(action: Action, name: str) -> Any:
    if name == "agency":
        return action.agency.name if action.agency else None
    return getattr(action, name)
