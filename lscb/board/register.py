"""The review register as a spreadsheet (DESIGN.md §10): the review's own dates and references that the national
returns ask for, with its next milestone, exported as CSV or XLSX; and the same file loaded back.

Loading a register file updates the reviews of the board in view that its rows name (by web address name) and
adds to that board a review for each row naming none, checked by the review form itself and its milestones
counted as the add-a-review page counts them; it never deletes one. Every cell is checked first; any problem
names its row and column and nothing changes. A clean file is previewed, then written in one transaction, with
history, and each changed review's milestones are counted again. Title, subject, kind and status are read for a
new review only; the columns the register only reports (lead board, next milestone...) are read and left
alone, so an exported file loads back unchanged.
"""

import datetime
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from actions import exports
from lscb.board.plan_import.problems import PlanFileError, PlanProblem
from lscb.board.plan_import.reading import Cell, normalise_header, read_plan
from lscb.board.plan_import.validation import _date
from lscb.platform.diff import FieldChange, display
from lscb.platform.values import NONE, short_date
from reviews.forms import ReviewForm
from reviews.models import Board, Milestone, Review, next_milestone, refresh_milestones

# Adding or changing a review writes it, its history and its milestones (about 30 queries) inside the page's
# request; bench/register_import.py: 200 new reviews took 5 s on SQLite. A board adds a handful of reviews a
# year, so a file may add or change at most this many, and a bigger first load goes in parts.
MAX_REVIEWS_WRITTEN = 100
PFD_RESPONSE = "response"  # the coroner's report's response milestone (reviews/milestone_rules.py)
DATE, TEXT, URL, CHOICE, LINK, MILESTONE_DATE = "date", "text", "url", "choice", "link", "milestone_date"


@dataclass(frozen=True)
class Column:
    heading: str
    width: int
    read: Callable[[Review], object]
    kind: str = ""  # how the column loads: "" for a column the register only reports
    field: str = ""  # the review's field (or, for MILESTONE_DATE, the coroner's response milestone's)
    new_only: bool = False  # read for a row that adds a review, and only reported for one that exists

    @property
    def key(self) -> str:
        return normalise_header(self.heading)


def _pfd_response(review: Review) -> Milestone | None:
    return next((m for m in review.milestones.all() if m.rule.key == PFD_RESPONSE), None)


def _next(review: Review) -> Milestone | None:
    return next_milestone(list(review.milestones.all()))


def _field(name: str, kind: str, heading: str, width: int = 14, *, new_only: bool = False) -> Column:
    if kind == CHOICE:
        return Column(
            heading,
            width,
            lambda r: getattr(r, f"get_{name}_display")() if getattr(r, name) else "",
            kind,
            name,
            new_only,
        )
    return Column(heading, width, lambda r: getattr(r, name), kind, name, new_only)


def _response(name: str, heading: str) -> Column:
    def read(review: Review):
        milestone = _pfd_response(review)
        return getattr(milestone, name) if milestone else None

    return Column(heading, 14, read, MILESTONE_DATE, name)


SLUG, LEAD_BOARD = "Web address name", "Lead board"
COLUMNS = [
    Column(SLUG, 18, lambda r: r.slug),
    _field("reference", TEXT, "Reference", 14),
    _field("title", TEXT, "Title", 36, new_only=True),
    _field("subject", TEXT, "Subject", 14, new_only=True),
    _field("kind", CHOICE, "Kind", 26, new_only=True),
    _field("sar_basis", CHOICE, "Mandatory or discretionary", 22),
    _field("status", CHOICE, "Status", 16, new_only=True),
    Column(LEAD_BOARD, 26, lambda r: r.board.name),
    _field("commissioned_on", DATE, "Date commissioned"),
    _field("aware_on", DATE, "Date the partnership became aware"),
    _field("panel_notified_on", DATE, "Date the national Panel was notified"),
    _field("ofsted_reference", TEXT, "Ofsted notification reference"),
    _field("decision", CHOICE, "Decision", 16),
    _field("decision_on", DATE, "Date of the decision"),
    _field("decision_reasons", TEXT, "Reasons for the decision", 40),
    Column("Converted from", 18, lambda r: r.converted_from.slug if r.converted_from else "", LINK, "converted_from"),
    Column("Converted to", 18, lambda r: "; ".join(sorted(other.slug for other in r.converted_to.all()))),
    _field("incident_council", TEXT, "Council where the incident happened", 24),
    _field("home_council", TEXT, "Council where the child or adult lived", 24),
    _field("steis_reference", TEXT, "NHS StEIS reference"),
    _field("signed_off_on", DATE, "Date signed off"),
    _field("sent_to_panel_on", DATE, "Date sent to the Panel and the Secretary of State"),
    _field("published_on", DATE, "Date published"),
    _field("publication_url", URL, "Web link to the published report", 36),
    _field("pfd_report_on", DATE, "Date of the coroner's report"),
    _field("pfd_addressees", TEXT, "Addressees of the coroner's report", 30),
    _field("pfd_concerns", TEXT, "The coroner's concerns", 40),
    Column("Coroner's response due", 14, lambda r: getattr(_pfd_response(r), "due_on", None)),
    _response("extended_to", "Coroner's response: extension agreed to"),
    _response("done_on", "Coroner's response sent"),
    _field("pfd_published_url", URL, "Chief Coroner's publication link", 36),
    Column("Next milestone", 30, lambda r: getattr(_next(r), "name", "")),
    Column("Next milestone due", 14, lambda r: getattr(_next(r), "due_on", None)),
    Column("Next milestone state", 14, lambda r: _next(r).get_state_display() if _next(r) else ""),
]
BY_KEY = {column.key: column for column in COLUMNS}
CREATING = [column for column in COLUMNS if column.kind]  # what a row that adds a review reads
LOADED = [column for column in CREATING if not column.new_only]  # what a row for an existing review changes
EXPORT_COLUMNS = [(column.heading, column.width, column.read) for column in COLUMNS]


# Export


def export_queryset(reviews):
    """Everything the register's columns read, in a constant number of queries."""
    return reviews.select_related("board", "converted_from").prefetch_related("milestones__rule", "converted_to")


def rows(reviews) -> Iterator[list]:
    for review in export_queryset(reviews):
        yield [read(review) for _, _, read in EXPORT_COLUMNS]


def csv_response(reviews, board):
    headings = [heading for heading, _, _ in EXPORT_COLUMNS]
    return exports.csv_download(headings, rows(reviews), "reviews", getattr(board, "protective_marking", None))


def xlsx_response(reviews, board):
    return exports.xlsx_table_response(exports.xlsx_table_bytes(EXPORT_COLUMNS, rows(reviews), "Reviews"), "reviews")


WRITTEN_NOW = {"csv": csv_response, "xlsx": xlsx_response}


# Import


@dataclass
class ReviewChange:
    """One row's review: one of the board's and what the row changes in it, or one the row adds (`form`, unsaved).

    `changed` is each column the row changes (or, adding a review, each it fills in), as the diff engine prints it.
    """

    row: int
    review: Review
    changed: list[FieldChange] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    response: dict[str, datetime.date | None] = field(default_factory=dict)
    form: ReviewForm | None = None

    @property
    def creates(self) -> bool:
        return self.form is not None


@dataclass
class RegisterChanges:
    file_name: str
    sha256: str
    reviews: list[ReviewChange]
    unchanged: int
    ignored_columns: list[str]

    @property
    def has_changes(self) -> bool:
        return bool(self.reviews)

    @property
    def created(self) -> list[ReviewChange]:
        return [change for change in self.reviews if change.creates]

    @property
    def updated(self) -> list[ReviewChange]:
        return [change for change in self.reviews if not change.creates]

    def fingerprint(self) -> str:
        """What would be written, so a confirmation writes exactly what was previewed."""
        shown = [
            [change.review.pk, change.review.slug, [[c.label, c.before, c.after] for c in change.changed]]
            for change in self.reviews
        ]
        return hashlib.sha256(json.dumps([self.sha256, shown]).encode()).hexdigest()


class RegisterChanged(Exception):
    def __init__(self, changes: RegisterChanges):
        self.changes = changes
        super().__init__("the register changed since it was previewed")


SLUG_KEY, LEAD_BOARD_KEY = normalise_header(SLUG), normalise_header(LEAD_BOARD)
# The review form's fields as the register's columns, so the form's complaints about a new row name the column.
FORM_FIELD_KEYS = {
    **{column.field: column.key for column in CREATING if column.kind != MILESTONE_DATE},
    "slug": SLUG_KEY,
    "board": LEAD_BOARD_KEY,
}


def by_heading(problems: list[PlanProblem]) -> list[PlanProblem]:
    """The problems with each column named by its heading, as the person sees it in the file ("Status", not
    "status"); the checks name columns by key so that they can sort by the register's column order."""
    return [replace(p, column=BY_KEY[p.column].heading) if p.column in BY_KEY else p for p in problems]


def board_reviews(board_id: int):
    """The reviews a register file may change: those of the board in view (lead or partner)."""
    return Review.objects.on_boards([board_id])


def compare(board_id: int, user, content: bytes, file_name: str) -> RegisterChanges:
    """What loading the file would change, or PlanFileError naming every problem by row and column.

    `user` is the board's business manager (the page checks), or None for the command line, which acts for the
    deployment: it may name any rapid review as "converted from".
    """
    sheet = read_plan(content, file_name)
    problems: list[PlanProblem] = []
    positions, ignored = _positions(sheet.headers, problems)
    if not sheet.rows:
        raise PlanFileError(PlanProblem("the file has no rows below the header", 2))
    rows = [
        (row.number, {key: (row.values[i] if i < len(row.values) else "") for key, i in positions.items()})
        for row in sheet.rows
    ]
    slugs = {_text(cells[SLUG_KEY]) for _, cells in rows} - {""}
    queryset = board_reviews(board_id).filter(slug__in=slugs).select_related("converted_from")
    known = {review.slug: review for review in queryset.prefetch_related("milestones__rule")}
    # Web address names are unique across the deployment, and the review form already says when one is taken.
    taken = set(Review.objects.filter(slug__in=slugs - set(known)).values_list("slug", flat=True))
    visible = Review.objects.all() if user is None else Review.objects.for_user(user)
    rapid = {review.slug: review for review in visible.filter(kind=Review.Kind.RAPID).only("pk", "slug", "title")}
    board = Board.objects.get(pk=board_id)
    # A row with no web address name adds a review: one whose reference (or subject) the board's review already
    # has is that review, named without its web address name, and loading the file again would add it twice.
    sources = {}
    for slug, reference, subject in board_reviews(board_id).values_list("slug", "reference", "subject"):
        sources.setdefault((reference or subject).casefold(), slug)
    adding = sum(1 for _, cells in rows if _text(cells[SLUG_KEY]) not in known)
    if adding > MAX_REVIEWS_WRITTEN:
        raise PlanFileError(PlanProblem(_too_many("adds", adding), rows[0][0]))
    seen: dict[str, int] = {}
    changes, unchanged = [], 0
    for row, cells in rows:
        slug = _text(cells[SLUG_KEY])
        if slug in taken:
            problems.append(
                PlanProblem(
                    f'another review already uses the web address name "{slug}": a register file adds and changes '
                    "only this board's reviews, so choose a different name",
                    row,
                    SLUG_KEY,
                )
            )
            continue
        review = known.get(slug)
        if review is None and not slug and _already_there(row, cells, sources, problems):
            continue
        if review is None:
            change = _new_review(row, slug, cells, board, user, rapid, problems)
        else:
            change = _row_change(row, review, cells, rapid, problems)
        if change is None:
            continue
        slug = change.review.slug  # a new row's empty web address name is made from its reference
        if slug in seen:
            message = f'"{slug}" is also on row {seen[slug]}: give each review one row'
            problems.append(PlanProblem(message, row, SLUG_KEY))
            continue
        seen[slug] = row
        if change.changed or change.creates:
            changes.append(change)
        else:
            unchanged += 1
    if problems:
        raise PlanFileError(sorted(problems, key=lambda p: (p.row or 0, list(BY_KEY).index(p.column or SLUG_KEY))))
    if len(changes) > MAX_REVIEWS_WRITTEN:
        raise PlanFileError(PlanProblem(_too_many("adds or changes", len(changes)), changes[0].row))
    return RegisterChanges(file_name, hashlib.sha256(content).hexdigest(), changes, unchanged, ignored)


def _too_many(what: str, count: int) -> str:
    return (
        f"the file {what} {count:,} reviews; one file may add or change at most {MAX_REVIEWS_WRITTEN}: "
        "load it in parts (the rows of reviews left unchanged may stay in every part)"
    )


def _positions(headers: list[str], problems: list) -> tuple[dict[str, int], list[str]]:
    """Where each of the register's columns is in the file, and the headers that are none of them."""
    positions: dict[str, int] = {}
    ignored = []
    for index, header in enumerate(headers):
        if header in positions:
            problems.append(PlanProblem(f'the column "{header}" appears twice', 1, header))
        elif header in BY_KEY:
            positions[header] = index
        elif header:
            ignored.append(header)
    if SLUG_KEY not in positions:
        raise PlanFileError(PlanProblem(f'the file has no "{SLUG}" column: it names the review of each row', 1))
    return positions, ignored


def _already_there(row: int, cells: dict, sources: dict, problems: list) -> bool:
    """Whether a row with no web address name names, by reference (or subject), a review the board has."""
    key = "reference" if _text(cells.get("reference", "")).strip() else "subject"
    source = _text(cells.get(key, "")).strip()
    slug = sources.get(source.casefold()) if source else None
    if slug is None:
        return False
    heading = BY_KEY[key].heading.lower()
    problems.append(
        PlanProblem(
            f'the review "{slug}" has the {heading} "{_short(source)}": enter "{slug}" as the web address name to '
            "update it, or a different web address name to add another review",
            row,
            key,
        )
    )
    return True


def _new_review(row: int, slug: str, cells: dict, board: Board, user, rapid: dict, problems: list):
    """The review a row adds to the board in view, checked by the review form itself; None after a problem."""
    before = len(problems)
    values = {
        column: _parse(column, cells[column.key], row, None, rapid, problems)
        for column in CREATING
        if column.key in cells
    }
    lead = _text(cells.get(LEAD_BOARD_KEY, "")).strip()
    if lead and normalise_header(lead) != normalise_header(board.name):
        problems.append(
            PlanProblem(
                f"a new review is added to the board in view, {board.name}: leave this empty or name that board",
                row,
                LEAD_BOARD_KEY,
            )
        )
    _check_response(values, values.get(BY_KEY["kind"]), row, problems)
    if len(problems) > before:
        return None
    form = ReviewForm(_form_data(values, slug, board), user=user)
    form.fields["board"].queryset = Board.objects.filter(pk=board.pk)  # the board in view, whose manager is loading
    if not form.is_valid():
        for name, errors in form.errors.as_data().items():
            column = FORM_FIELD_KEYS.get(name)
            problems.extend(PlanProblem(_form_message(error, column), row, column) for error in errors)
        return None
    change = ReviewChange(row, form.instance, form=form)
    for column, value in values.items():
        if value in (None, ""):
            continue
        if column.kind == MILESTONE_DATE:
            change.response[column.field] = value
        change.changed.append(FieldChange(column.heading, NONE, _shown(column, value)))
    return change


def _form_data(values: dict, slug: str, board: Board) -> dict:
    """The row's checked values as the review form takes them (a date as a date, a rapid review by its id)."""
    data: dict[str, object] = {"slug": slug, "board": board.pk}
    for column, value in values.items():
        if column.kind != MILESTONE_DATE:
            data[column.field] = value.pk if isinstance(value, Review) else value
    return data


def _form_message(error: ValidationError, column: str | None) -> str:
    message = " ".join(error.messages)
    # A choice left empty is named by its column (the form's "Select the kind of review" names a radio group).
    if error.code == "required" and column in BY_KEY and BY_KEY[column].kind == CHOICE:
        return f"enter the {BY_KEY[column].heading.lower()}: a new review needs it"
    return message


def _check_response(values: dict, kind: str | None, row: int, problems: list) -> None:
    for column, value in values.items():
        if column.kind == MILESTONE_DATE and value and kind != Review.Kind.PFD:
            problems.append(PlanProblem("leave this empty: the review is not a coroner's report", row, column.key))


def _row_change(row: int, review: Review, cells: dict[str, Cell], rapid: dict, problems: list) -> ReviewChange:
    change = ReviewChange(row, review)
    before = len(problems)
    new_values = {}
    for column in LOADED:
        if column.key not in cells:
            continue
        value = _parse(column, cells[column.key], row, review, rapid, problems)
        new_values[column] = value
    if len(problems) > before:
        return change
    kind = review.kind
    for column, value in new_values.items():
        if column.field == "sar_basis" and value and kind != Review.Kind.SAR:
            problems.append(
                PlanProblem("leave this empty: the review is not a safeguarding adult review", row, column.key)
            )
    _check_response(new_values, kind, row, problems)
    commissioned = new_values.get(BY_KEY["date_commissioned"], review.commissioned_on)
    published = new_values.get(BY_KEY["date_published"], review.published_on)
    if commissioned and published and published < commissioned:
        problems.append(
            PlanProblem("the date published must be on or after the date commissioned", row, "date_published")
        )
    response = _pfd_response(review)
    for column, value in new_values.items():
        if column.kind == MILESTONE_DATE:
            old = getattr(response, column.field) if response else None
            if value != old:
                change.response[column.field] = value
        else:
            old = getattr(review, column.field)
            if column.kind == LINK:
                old = review.converted_from
            if value != old:
                change.values[column.field] = value
        if value != old:
            change.changed.append(FieldChange(column.heading, _shown(column, old), _shown(column, value)))
    return change


def _parse(column: Column, cell: Cell, row: int, review: Review | None, rapid: dict, problems: list):
    if column.kind in (DATE, MILESTONE_DATE):
        return _date(cell, row, problems, column.key)
    text = _text(cell).strip()
    if column.kind == TEXT:
        limit = Review.TEXT_LIMITS[column.field]
        if limit.exceeded_by(text):
            problems.append(PlanProblem(f"{limit.message()}; this cell has {len(text):,}", row, column.key))
        return text
    if column.kind == URL:
        limit = Review.TEXT_LIMITS[column.field]
        if limit.exceeded_by(text):
            problems.append(PlanProblem(f"{limit.message()}; this cell has {len(text):,}", row, column.key))
        elif text:
            try:
                URLValidator(schemes=["http", "https"])(text)
            except ValidationError:
                problems.append(
                    PlanProblem(f'"{_short(text)}" is not a web address such as https://...', row, column.key)
                )
        return text
    if column.kind == CHOICE:
        choices = Review._meta.get_field(column.field).choices
        if not text:
            return ""
        lookup = {normalise_header(option): value for value, label in choices for option in (value, label)}
        found = lookup.get(normalise_header(text))
        if found is None:
            options = ", ".join(label for _, label in choices)
            problems.append(PlanProblem(f'"{_short(text)}" is not one of: {options}', row, column.key))
            return ""
        return found
    if column.kind == LINK:
        if not text:
            return None
        found = rapid.get(text)
        if found is None or (review is not None and found.pk == review.pk):
            problems.append(
                PlanProblem(
                    f'"{_short(text)}" is not the web address name of a rapid review you can see', row, column.key
                )
            )
        return found
    raise ValueError(column.kind)


def _text(cell: Cell) -> str:
    return short_date(cell) if isinstance(cell, datetime.date) else str(cell)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _shown(column: Column, value) -> str:
    """A value as the diff engine prints it (a rapid review by its web address name, as the file names it)."""
    model = Milestone if column.kind == MILESTONE_DATE else Review
    return display(model._meta.get_field(column.field), value.slug if isinstance(value, Review) else value)


def load_register(
    board_id: int, user, content: bytes, file_name: str, *, expected_fingerprint: str | None = None
) -> RegisterChanges:
    """Write the file's changes in one transaction (history kept, milestones counted), or nothing."""
    with transaction.atomic():
        list(board_reviews(board_id).select_for_update().values_list("pk", flat=True).order_by("pk"))
        changes = compare(board_id, user, content, file_name)
        if expected_fingerprint is not None and changes.fingerprint() != expected_fingerprint:
            raise RegisterChanged(changes)
        for change in changes.reviews:
            _write(change, user, f"Loaded from the register file {file_name}")
    return changes


def _write(change: ReviewChange, user, reason: str) -> None:
    review = change.review
    review._history_user = user
    review._change_reason = reason
    if change.creates:
        change.form.create()  # saved and its milestones counted, as the add-a-review page does
        if not change.response:
            return
    elif change.values:
        for name, value in change.values.items():
            setattr(review, name, value)
        review.save()
    milestones = {m.rule.key: m for m in refresh_milestones(review, by=user)}
    response = milestones.get(PFD_RESPONSE)
    if change.response and response is not None:
        for name, value in change.response.items():
            setattr(response, name, value)
        response.recorded_by = user
        response._history_user = user
        response.save()
        refresh_milestones(review)  # an extension moves the due date
