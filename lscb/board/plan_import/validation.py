"""Check every row of a plan file against the format of DESIGN.md §6, before anything is written.

The result is a `Plan`: recommendations in file order, each with its actions
and only the fields whose columns the file has (a column the file leaves out
is left alone on re-import). Any problem raises `PlanFileError` listing every
problem in the file, each with its spreadsheet row and column.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from actions.choices import REASON_REQUIRED, ActionStatus, AssuranceLevel
from actions.models import Action
from lscb.board.plan_import.problems import PlanFileError, PlanProblem
from lscb.board.plan_import.reading import Cell, Sheet, normalise_header
from lscb.platform.limits import Limit
from lscb.platform.values import short_date
from reviews.models import Agency, Recommendation, Theme

REQUIRED_COLUMNS = ("agency", "number", "recommendation")
OPTIONAL_COLUMNS = (
    "action",
    "lead",
    "due_date",
    "status",
    "progress",
    "assurance",
    "assurance_level",
    "assurance_date",
    "themes",
    "decision",
    "decision_reason",
    "decided_on",
)
# The board's decision: the recommendation's, so given on its first row (later rows blank or the same).
DECISION_COLUMNS = {"decision": "decision", "decision_reason": "decision_reason", "decided_on": "decided_on"}
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# The same bound per column as the form that edits the field, so an imported plan never holds what a
# form would refuse (README "Limits"). The `assurance` column is the judgement's statement, copied to the action.
COLUMN_LIMITS: dict[str, Limit] = {
    "agency": Agency.TEXT_LIMITS["name"],
    "number": Recommendation.TEXT_LIMITS["number"],
    "recommendation": Recommendation.TEXT_LIMITS["text"],
    "action": Action.TEXT_LIMITS["description"],
    "lead": Action.TEXT_LIMITS["lead_officer"],
    "progress": Action.TEXT_LIMITS["progress"],
    "assurance": Action.TEXT_LIMITS["assurance_statement"],
    "themes": Theme.TEXT_LIMITS["name"],
    "decision_reason": Recommendation.TEXT_LIMITS["decision_reason"],
}
DATE_FORMS = "31/03/2026, 31.03.2026 or 2026-03-31"
_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", re.ASCII)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$", re.ASCII)


@dataclass(frozen=True)
class PlanAction:
    """One row of the file: an action, with the model fields its columns give."""

    row: int
    agency: str
    description: str
    values: dict[str, Any]
    # When the board made the judgement the row's assurance records; None when the file does not say.
    assurance_date: datetime.date | None = None


@dataclass
class PlanRecommendation:
    """The rows sharing one number. The first row gives the agency and the text."""

    number: str
    row: int
    agency: str
    text: str
    themes: list[str] | None
    actions: list[PlanAction] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # the decision's fields whose columns the file has


@dataclass(frozen=True)
class Plan:
    columns: frozenset[str]
    recommendations: tuple[PlanRecommendation, ...]
    row_count: int
    warnings: tuple[PlanProblem, ...]


def number_key(number: str) -> str:
    """Numbers "6.4" and "6.4." (as printed in many plans) are the same recommendation."""
    return number.strip().rstrip(".").casefold()


def _choice_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[normalise_header(label)] = value
        lookup[normalise_header(value)] = value
    return lookup


STATUSES = _choice_lookup(ActionStatus)
ASSURANCE_LEVELS = _choice_lookup(AssuranceLevel)
DECISIONS = _choice_lookup(Recommendation.Decision)
CHOICE_NAMES = {"status": "a status", "assurance_level": "an assurance level", "decision": "a decision"}


def validate(sheet: Sheet) -> Plan:
    """The plan in the sheet, or PlanFileError listing every problem in it."""
    columns, warnings = _columns(sheet)
    problems: list[PlanProblem] = []
    recommendations: dict[str, PlanRecommendation] = {}
    for sheet_row in sheet.rows:
        cells = {name: _cell(sheet_row.values, index) for name, index in columns.items()}
        problems += _read_row(sheet_row.number, cells, recommendations)
    if not sheet.rows:
        problems.append(PlanProblem("the file has no rows below the header", row=2))
    if problems:
        raise PlanFileError(sorted(problems, key=lambda p: p.row or 0))
    warnings += _headless_cells(sheet)
    return Plan(frozenset(columns), tuple(recommendations.values()), len(sheet.rows), tuple(warnings))


def _cell(values: tuple[Cell, ...], index: int) -> Cell:
    return values[index] if index < len(values) else ""


def _columns(sheet: Sheet) -> tuple[dict[str, int], list[PlanProblem]]:
    """Where each known column is. Unknown columns are warned about; missing or repeated ones are errors."""
    found: dict[str, int] = {}
    problems, warnings = [], []
    for index, name in enumerate(sheet.headers):
        if not name:
            continue
        if name not in COLUMNS:
            warnings.append(PlanProblem("the import does not know this column, so it is ignored", 1, name))
        elif name in found:
            problems.append(PlanProblem("the column appears more than once", 1, name))
        else:
            found[name] = index
    unknown = [w.column for w in warnings]
    hint = f" (columns the import does not know: {', '.join(unknown)})" if unknown else ""
    for name in REQUIRED_COLUMNS:
        if name not in found:
            problems.append(PlanProblem(f"the file has no such column, and it is required{hint}", 1, name))
    if problems:
        raise PlanFileError(problems)
    return found, warnings


def _headless_cells(sheet: Sheet) -> list[PlanProblem]:
    """Cells under a blank heading (or beyond the last heading) are ignored: say so once per column."""
    columns = sorted(
        {index for row in sheet.rows for index, value in enumerate(row.values) if value != ""}
        - {index for index, name in enumerate(sheet.headers) if name}
    )
    return [
        PlanProblem("the column has no heading, so its cells are ignored", 1, sheet.column_name(i)) for i in columns
    ]


def _read_row(row: int, cells: dict[str, Cell], recommendations: dict[str, PlanRecommendation]) -> list[PlanProblem]:
    problems: list[PlanProblem] = []
    number = cells["number"]
    if isinstance(number, datetime.date):
        message = (
            f"the spreadsheet has turned this number into a date ({short_date(number)}): format the column as text"
        )
        return [PlanProblem(message, row, "number")]
    if not number:
        return [PlanProblem("the recommendation number is missing", row, "number")]
    if too_long := _too_long(number, row, "number"):
        return too_long
    recommendation = recommendations.get(number_key(number))
    if recommendation is None:
        recommendation, problems = _first_row(row, number, cells)
        if problems:
            return problems
        recommendations[number_key(number)] = recommendation
    else:
        problems += _later_row(row, cells, recommendation)
    action, action_problems = _read_action(row, cells, recommendation)
    problems += action_problems
    problems += _read_themes(row, cells, recommendation)
    if action is not None and not problems:
        recommendation.actions.append(action)
    return problems


def _first_row(row: int, number: str, cells: dict[str, Cell]) -> tuple[PlanRecommendation, list[PlanProblem]]:
    agency, text = _text(cells["agency"]), _text(cells["recommendation"])
    problems = []
    if not agency:
        message = f"the agency is missing on the first row of recommendation {number}"
        problems.append(PlanProblem(message, row, "agency"))
    else:
        problems += _too_long(agency, row, "agency")
    if not text:
        message = f"the recommendation is missing on the first row of recommendation {number}"
        problems.append(PlanProblem(message, row, "recommendation"))
    problems += _too_long(text, row, "recommendation")
    themes = [] if "themes" in cells else None
    values, decision_problems = _decision_values(row, cells)
    return PlanRecommendation(number.strip(), row, agency, text, themes, values=values), problems + decision_problems


def _decision_values(
    row: int, cells: dict[str, Cell], check_reason: bool = True
) -> tuple[dict[str, Any], list[PlanProblem]]:
    """The board's decision from the recommendation's first row; a reason is required unless it is accepted."""
    values: dict[str, Any] = {}
    problems: list[PlanProblem] = []
    if "decision" in cells:
        values["decision"] = _choice(cells["decision"], DECISIONS, Recommendation.Decision, row, "decision", problems)
    if "decision_reason" in cells:
        values["decision_reason"] = _text(cells["decision_reason"])
        problems += _too_long(values["decision_reason"], row, "decision_reason")
    if "decided_on" in cells:
        values["decided_on"] = _date(cells["decided_on"], row, problems, "decided_on")
    problem = Recommendation.decision_problem(values.get("decision", ""), values.get("decision_reason", ""))
    if check_reason and problem and not problems:
        problems.append(PlanProblem(problem[0].lower() + problem[1:], row, "decision_reason"))
    return values, problems


def _later_row(row: int, cells: dict[str, Cell], recommendation: PlanRecommendation) -> list[PlanProblem]:
    text = _text(cells["recommendation"])
    if text and text != recommendation.text:
        message = (
            f"the text differs from row {recommendation.row}, the first row of recommendation "
            f"{recommendation.number}: leave it blank or repeat it exactly"
        )
        return [PlanProblem(message, row, "recommendation")]
    given = {column: value for column, value in cells.items() if column in DECISION_COLUMNS and value}
    repeated, problems = _decision_values(row, given, check_reason=False)
    for column, value in repeated.items():
        if value not in ("", None) and value != recommendation.values.get(column):
            message = (
                f"the {column.replace('_', ' ')} differs from row {recommendation.row}, the first row of "
                f"recommendation {recommendation.number}: leave it blank or repeat it exactly"
            )
            return [PlanProblem(message, row, column)]
    if problems:
        return problems
    return _too_long(_text(cells["agency"]), row, "agency")


def _read_action(
    row: int, cells: dict[str, Cell], recommendation: PlanRecommendation
) -> tuple[PlanAction | None, list[PlanProblem]]:
    description = _text(cells.get("action", "")) or recommendation.text
    values, problems = _action_values(row, cells)
    problems += _too_long(_text(cells.get("action", "")), row, "action")  # a blank cell takes the recommendation's
    if not description:
        return None, problems
    for earlier in recommendation.actions:
        if earlier.description == description:
            message = f"the row repeats row {earlier.row}: recommendation {recommendation.number} has this action"
            return None, problems + [PlanProblem(message, row, "action")]
    agency = _text(cells["agency"]) or recommendation.agency
    assurance_date = _assurance_date(cells.get("assurance_date", ""), row, problems)
    return PlanAction(row, agency, description, values, assurance_date), problems


def _assurance_date(value: Cell, row: int, problems: list[PlanProblem]) -> datetime.date | None:
    """The date of the board's judgement: a date, and not in the future."""
    judged_on = _date(value, row, problems, "assurance_date")
    if judged_on is not None and judged_on > timezone.localdate():
        message = f"the board's judgement cannot be dated in the future ({short_date(judged_on)})"
        problems.append(PlanProblem(message, row, "assurance_date"))
        return None
    return judged_on


def _action_values(row: int, cells: dict[str, Cell]) -> tuple[dict[str, Any], list[PlanProblem]]:
    values: dict[str, Any] = {}
    problems: list[PlanProblem] = []
    if "lead" in cells:
        values["lead_officer"] = _text(cells["lead"])
        problems += _too_long(values["lead_officer"], row, "lead")
    if "due_date" in cells:
        values["due_date"] = _date(cells["due_date"], row, problems)
    if "progress" in cells:
        values["progress"] = _text(cells["progress"])
        problems += _too_long(values["progress"], row, "progress")
    if "assurance" in cells:
        values["assurance_statement"] = _text(cells["assurance"])
        problems += _too_long(values["assurance_statement"], row, "assurance")
    if "assurance_level" in cells:
        level = _choice(cells["assurance_level"], ASSURANCE_LEVELS, AssuranceLevel, row, "assurance_level", problems)
        values["assurance_level"] = level or AssuranceLevel.AWAITING
    if "status" in cells:
        status = _choice(cells["status"], STATUSES, ActionStatus, row, "status", problems)
        values["status"] = status or ActionStatus.NOT_STARTED
        if status in REASON_REQUIRED:
            values["status_reason"] = values.get("progress", "")
            if not values["status_reason"]:
                label = ActionStatus(status).label
                message = f'an action that is "{label}" needs a reason: write it in the progress column'
                problems.append(PlanProblem(message, row, "progress"))
            else:
                problems += _too_long(values["status_reason"], row, "progress", Action.TEXT_LIMITS["status_reason"])
    return values, problems


def _read_themes(row: int, cells: dict[str, Cell], recommendation: PlanRecommendation) -> list[PlanProblem]:
    """Each row may name themes; the recommendation's themes are all of them, in the order first named."""
    if recommendation.themes is None:
        return []
    problems = []
    known = {name.casefold() for name in recommendation.themes}
    for name in _text(cells.get("themes", "")).split(";"):
        name = " ".join(name.split())
        if too_long := _too_long(name, row, "themes"):
            problems += too_long
        elif name and name.casefold() not in known:
            known.add(name.casefold())
            recommendation.themes.append(name)
    return problems


def _too_long(text: str, row: int, column: str, limit: Limit | None = None) -> list[PlanProblem]:
    """The form's bound for the column, in the form's words, with the cell's length."""
    limit = limit or COLUMN_LIMITS[column]
    if not limit.exceeded_by(text):
        return []
    message = f"{limit.message()}; this cell has {len(text):,}"
    if limit is not COLUMN_LIMITS[column]:
        message += ' (the progress cell is the reason of an action that is "On hold" or "Not accepted")'
    return [PlanProblem(message, row, column)]


def _text(value: Cell) -> str:
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return value


def _shown(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def _date(value: Cell, row: int, problems: list[PlanProblem], column: str = "due_date") -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if not value:
        return None
    uk, iso = _UK_DATE.match(value), _ISO_DATE.match(value)
    try:
        if uk:
            parsed = datetime.date(int(uk[3]), int(uk[2]), int(uk[1]))
        elif iso:
            parsed = datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
        else:
            raise ValueError
        if not 1900 <= parsed.year <= 2100:
            raise ValueError
    except ValueError:
        message = f'"{_shown(value)}" is not a date (write dates as {DATE_FORMS})'
        problems.append(PlanProblem(message, row, column))
        return None
    return parsed


def _choice(value: Cell, lookup: dict[str, str], choices, row: int, column: str, problems: list[PlanProblem]) -> str:
    text = _text(value)
    if not text:
        return ""
    found = lookup.get(normalise_header(text))
    if found is None:
        what = CHOICE_NAMES[column]
        options = ", ".join(choices.labels)
        problems.append(PlanProblem(f'"{_shown(text)}" is not {what}: use one of {options}', row, column))
        return ""
    return found
