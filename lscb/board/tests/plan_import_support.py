"""Shared test data for the plan import tests: the sample plan as CSV and XLSX, and database snapshots."""

import csv
import datetime
import io
from pathlib import Path

import openpyxl
from django.apps import apps

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
SAMPLE_NAME = "child-a-plan.csv"
SAMPLE_CSV = (DATA / SAMPLE_NAME).read_bytes()
# lscb holds only security bookkeeping (sessions, sign-in events), which a request may write.
TRACKED_APPS = {"reviews", "actions", "assurance", "auth"}


def sample_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(SAMPLE_CSV.decode("utf-8-sig"), newline="")))


def to_csv(rows: list[list[str]], bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def sample_with(row: int, column: str, value: str) -> bytes:
    """The sample CSV with one cell changed; `row` as a spreadsheet numbers it (header = 1).
    A column the sample lacks (an optional one) is added, blank on the other rows."""
    rows = sample_rows()
    if column not in rows[0]:
        rows = [[*cells, column if number == 0 else ""] for number, cells in enumerate(rows)]
    rows[row - 1][rows[0].index(column)] = value
    return to_csv(rows)


def to_xlsx(rows: list[list[str]], real_dates: bool = True) -> bytes:
    """The rows as the first sheet of a workbook, due dates as real date cells (as Excel stores them)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    due = rows[0].index("due_date")
    for index, row in enumerate(rows):
        values: list = list(row)
        if index and real_dates and values[due]:
            values[due] = _parse_uk(values[due])
        sheet.append(values)
        if index and real_dates and values[due]:
            sheet.cell(row=index + 1, column=due + 1).number_format = "DD/MM/YYYY"
    workbook.create_sheet("Notes").append(["This second sheet is not read."])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _parse_uk(text: str) -> datetime.date:
    for form in ("%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def database_snapshot() -> dict[str, int]:
    """The number of rows of every model of the board, history tables and link tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in TRACKED_APPS
    }


def history_rows() -> int:
    return sum(count for label, count in database_snapshot().items() if ".Historical" in label)
