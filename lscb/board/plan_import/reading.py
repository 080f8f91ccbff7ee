"""Read a plan file: bytes in, header-normalised rows out.

A plan is either a CSV file (RFC 4180: quoted cells may hold commas, quotes
and line breaks; an optional UTF-8 BOM, as Excel writes one) or the first
sheet of an Excel workbook (.xlsx). Anything else, and anything too big, is
refused with a `PlanFileError` that says what is wrong. Reading knows nothing
of the plan's columns: that is validation's job.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

import openpyxl
from openpyxl.utils import get_column_letter

from lscb.board.plan_import.problems import PlanFileError, PlanProblem

MAX_ROWS = 5000
MAX_CELL_CHARS = 20_000
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_COLUMNS = 100
# Blank rows are skipped, but a sheet formatted down to row 1,048,576 still costs time to walk.
MAX_PHYSICAL_ROWS = 100_000
# An .xlsx is a zip: refuse one that would unpack to far more than any real plan (a zip bomb).
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
ALLOWED_SUFFIXES = {".csv", ".xlsx", ".txt", ""}

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls and old Word documents
# Control characters never appear in a text CSV; their presence means binary content.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEADER_SEPARATORS = re.compile(r"[\s_\-]+")
_FIXED_DECIMALS_FORMAT = re.compile(r"^0\.(0+)$")

NOT_A_PLAN_FILE = "the file is not a CSV or XLSX file"

Cell = str | datetime.date


@dataclass(frozen=True)
class SheetRow:
    """One non-blank row below the header. `number` is the row number a spreadsheet shows."""

    number: int
    values: tuple[Cell, ...]


@dataclass(frozen=True)
class Sheet:
    """The header (normalised column names; "" for a blank heading) and the non-blank rows under it."""

    headers: tuple[str, ...]
    rows: tuple[SheetRow, ...]

    def column_name(self, index: int) -> str:
        """The column's normalised heading, or its letter when it has none."""
        if index < len(self.headers) and self.headers[index]:
            return self.headers[index]
        return get_column_letter(index + 1)


def normalise_header(text: Cell) -> str:
    """`Due date`, `DUE_DATE` and ` due  date ` all name the column `due_date`."""
    return _HEADER_SEPARATORS.sub("_", str(text).strip().casefold()).strip("_")


def read_plan(content: bytes, file_name: str = "") -> Sheet:
    """The header and rows of a plan file, or PlanFileError saying why it cannot be read."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise PlanFileError(PlanProblem(f'{NOT_A_PLAN_FILE}: "{PurePath(file_name).name}" is a {suffix} file'))
    if len(content) > MAX_FILE_BYTES:
        raise PlanFileError(PlanProblem(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"))
    if not content.strip():
        raise PlanFileError(PlanProblem("the file is empty: the first row must name the columns", row=1))
    if content.startswith(ZIP_MAGIC):
        raw_rows = _xlsx_rows(content)
    elif content.startswith(OLE_MAGIC):
        raise PlanFileError(
            PlanProblem(
                "the file is an old Excel 97-2003 workbook (.xls): save it as an Excel workbook (.xlsx) or as CSV"
            )
        )
    else:
        raw_rows = _csv_rows(_decode(content))
    return _collect(raw_rows)


def _collect(raw_rows: Iterator[list[Cell]]) -> Sheet:
    headers: tuple[str, ...] | None = None
    rows: list[SheetRow] = []
    problems: list[PlanProblem] = []
    for number, raw in enumerate(raw_rows, start=1):
        if number > MAX_PHYSICAL_ROWS:
            raise PlanFileError(
                PlanProblem(f"the sheet has more than {MAX_PHYSICAL_ROWS:,} rows, counting blank ones", row=number)
            )
        values = _trim([_clean(value) for value in raw])
        if headers is None:
            headers = tuple(normalise_header(value) for value in values)
            sheet = Sheet(headers, ())
        if len(values) > MAX_COLUMNS:
            raise PlanFileError(PlanProblem(f"the row has more than {MAX_COLUMNS} columns", row=number))
        problems += _long_cells(sheet, number, values)
        if number == 1 or not values:
            continue
        if len(rows) == MAX_ROWS:
            raise PlanFileError(
                PlanProblem(f"the file has more than {MAX_ROWS:,} rows: split the plan into smaller files", row=number)
            )
        rows.append(SheetRow(number, tuple(values)))
    if problems:
        raise PlanFileError(problems)
    if headers is None:
        raise PlanFileError(PlanProblem("the file is empty: the first row must name the columns", row=1))
    if not headers:
        raise PlanFileError(PlanProblem("the first row is blank: it must name the columns", row=1))
    return Sheet(headers, tuple(rows))


def _long_cells(sheet: Sheet, number: int, values: list[Cell]) -> list[PlanProblem]:
    return [
        PlanProblem(
            f"the cell holds {len(value):,} characters; the most a cell may hold is {MAX_CELL_CHARS:,}",
            row=number,
            column=sheet.column_name(index),
        )
        for index, value in enumerate(values)
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS
    ]


def _clean(value: Cell) -> Cell:
    if isinstance(value, datetime.date):
        return value
    # Excel writes line breaks inside cells as CRLF in CSV and LF in XLSX: store one kind.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _trim(values: list[Cell]) -> list[Cell]:
    """Drop empty cells at the end of a row (spreadsheets pad rows to the widest one)."""
    while values and values[-1] == "":
        values.pop()
    return values


# --- CSV -----------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    try:
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
            text = content.decode("utf-16")
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                # Excel on Windows saves "CSV (Comma delimited)" in the Windows code page.
                text = content.decode("cp1252")
    except UnicodeDecodeError:
        raise PlanFileError(PlanProblem(f"{NOT_A_PLAN_FILE}: it holds binary content, not text")) from None
    if _CONTROL.search(text):
        raise PlanFileError(PlanProblem(f"{NOT_A_PLAN_FILE}: it holds binary content, not text"))
    return text


def _delimiter(text: str) -> str:
    """Comma, unless the header line plainly uses semicolons or tabs (some European and "Unicode text" exports)."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _csv_rows(text: str) -> Iterator[list[Cell]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                message = f"a cell holds more than {MAX_CELL_CHARS:,} characters"
            else:
                message = f"the row is not valid CSV ({exc})"
            raise PlanFileError(PlanProblem(message, row=number)) from None
        yield list(row)


# --- XLSX ----------------------------------------------------------------------------------------


def _xlsx_rows(content: bytes) -> Iterator[list[Cell]]:
    not_a_workbook = PlanProblem(f"{NOT_A_PLAN_FILE}: it is a zip archive but not an Excel workbook that can be read")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise PlanFileError(not_a_workbook) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise PlanFileError(PlanProblem("the workbook is far larger once unpacked than any plan could be"))
    # openpyxl raises many kinds of error on a damaged or foreign file (zip, XML, key and type
    # errors); each means "this is not a workbook we can read", so each becomes the one clean error.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise PlanFileError(not_a_workbook) from None
    try:
        for row in workbook.worksheets[0].iter_rows():
            yield [_xlsx_value(cell) for cell in row]
    except PlanFileError:
        raise
    except Exception:
        raise PlanFileError(PlanProblem("the first sheet of the workbook could not be read")) from None
    finally:
        workbook.close()


def _xlsx_value(cell) -> Cell:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value, getattr(cell, "number_format", None) or "")
    return str(value)


def _number_text(value: float, number_format: str) -> str:
    """A number cell as the sheet shows it: 6.1 formatted "0.00" reads "6.10", 3.0 reads "3"."""
    decimals = _FIXED_DECIMALS_FORMAT.match(number_format)
    if decimals:
        return f"{value:.{len(decimals.group(1))}f}"
    if value.is_integer():
        return str(int(value))
    return str(value)
