"""Exports of the filtered action list: exactly the rows the list shows, as CSV, XLSX or PDF.

The list view runs the FilterSet over the user's scoped queryset and hands
the result here, so an export can never hold more than the user saw.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from actions.choices import AssuranceLevel, Rag
from lscb.platform.values import short_date

# (heading, width in characters for XLSX, how to read the value from an action)
COLUMNS = [
    ("Review", 28, lambda a: a.recommendation.review.title),
    ("No.", 7, lambda a: a.recommendation.number),
    ("Agency", 28, lambda a: a.agency.name if a.agency else "Board-wide"),
    ("Recommendation", 60, lambda a: a.recommendation.text),
    ("Action", 60, lambda a: a.description),
    ("Lead officer", 24, lambda a: a.lead_officer),
    ("Due date", 12, lambda a: a.due_date),
    ("Status", 22, lambda a: a.get_status_display()),
    ("Status reason", 40, lambda a: a.status_reason),
    ("RAG", 8, lambda a: Rag(a.rag).label),
    ("Action taken / progress", 60, lambda a: a.progress),
    ("Completion date", 14, lambda a: a.completed_on),
    ("Assurance level", 26, lambda a: AssuranceLevel(a.assurance_level).label),
    ("Assurance to the board", 60, lambda a: a.assurance_statement),
    ("Themes", 40, lambda a: "; ".join(t.name for t in a.recommendation.themes.all())),
]
CHUNK = 500


def export_queryset(actions):
    """What every export needs loaded, in a constant number of queries."""
    return actions.select_related("recommendation__review", "agency").prefetch_related("recommendation__themes")


def _rows(actions) -> Iterator[list]:
    for action in export_queryset(actions).iterator(chunk_size=CHUNK):
        yield [read(action) for _, _, read in COLUMNS]


def _filename(stem: str, extension: str, marking: str | None = None) -> str:
    """The file's name begins with the protective marking ("OFFICIAL-SENSITIVE_actions-2026-03-31-0930.csv"):
    a CSV has nowhere else to carry it without a row that would break re-import (the header is row 1)."""
    marking = slugify(settings.PROTECTIVE_MARKING if marking is None else marking).upper()
    return f"{marking + '_' if marking else ''}{stem}-{timezone.localtime():%Y-%m-%d-%H%M}.{extension}"


def _mark_workbook(workbook: Workbook, sheet, what: str = "actions") -> None:
    """The protective marking where a spreadsheet keeps it outside the cells: the header and footer of every
    printed page, and the file's properties (title, subject, keywords and category), so row 1 stays the header."""
    marking = settings.PROTECTIVE_MARKING
    for header in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
        header.center.text = marking
        header.center.font = "Arial,Bold"
        header.right.text = settings.BOARD_NAME
    for footer in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        footer.center.text = marking
        footer.left.text = "Page &P of &N"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    properties = workbook.properties
    properties.title = f"{marking}: {what}"
    properties.subject = marking
    properties.keywords = marking
    properties.category = marking
    properties.creator = settings.BOARD_NAME


def _csv_value(value) -> str:
    if isinstance(value, datetime.date):
        return short_date(value)
    text = "" if value is None else str(value)
    # Cells starting with these characters are formulas to a spreadsheet; quote them
    # so an action's text can never run as one when the board opens the file.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(headings: list[str], rows: Iterable[list]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel then reads the file as UTF-8.
    yield writer.writerow(headings)
    for row in rows:
        yield writer.writerow([_csv_value(value) for value in row])


def csv_download(headings: list[str], rows: Iterable[list], stem: str, marking: str | None = None):
    """Any list as this product writes CSV: UTF-8 with a BOM, UK dates, no cell a spreadsheet would run as a
    formula, the protective marking (the deployment's unless given) at the start of the file's name."""
    response = StreamingHttpResponse(_csv_lines(headings, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv", marking)}"'
    return response


def csv_response(actions, user=None, stem: str = "actions") -> StreamingHttpResponse:
    return csv_download([heading for heading, _, _ in COLUMNS], _rows(actions), stem)


def xlsx_bytes(actions) -> bytes:
    return xlsx_table_bytes(COLUMNS, _rows(actions), "Actions")


def xlsx_table_bytes(columns, rows: Iterable[list], title: str) -> bytes:
    """Rows under the headings of `columns` as a one-sheet workbook with the protective marking."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    _mark_workbook(workbook, sheet, title.lower())
    for index, (_, width, _) in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    bold = Font(bold=True)
    header = []
    for heading, _, _ in columns:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value if value != "" else None)
            if isinstance(value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(actions, user=None, stem: str = "actions") -> HttpResponse:
    return xlsx_table_response(xlsx_bytes(actions), stem)


def xlsx_table_response(content: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "xlsx")}"'
    return response


# Files written in the request, streamed; the PDF is printed by the worker (actions/list_exports.py).
WRITTEN_NOW = {"csv": csv_response, "xlsx": xlsx_response}
FORMATS = (*WRITTEN_NOW, "pdf")
