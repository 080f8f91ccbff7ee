"""Read a plan file: bytes in, header-normalised rows out.

A plan is either a CSV file (RFC 4180: quoted cells may hold commas, quotes
and line breaks; an optional UTF-8 BOM, as Excel writes one) or the first
sheet of an Excel workbook (.xlsx). Anything else, anything too big, and
anything that takes too long to read is refused with a `PlanFileError` that
says what is wrong, naming the bound in words (README "Importing a plan").
Reading knows nothing of the plan's columns: that is validation's job.
"""

import csv
import datetime
import io
import re
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

import openpyxl
from defusedxml.ElementTree import iterparse
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple

from lscb.board.plan_import.problems import PlanFileError, PlanProblem

MAX_ROWS = 5000
MAX_CELL_CHARS = 20_000
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_COLUMNS = 100
# Blank rows are skipped, but a sheet formatted down to row 1,048,576 still costs time to walk.
MAX_PHYSICAL_ROWS = 100_000
MB = 1024 * 1024
# An .xlsx is a zip: refuse one that would unpack to far more than any real plan (a zip bomb), counting the
# bytes each part really unpacks to, before openpyxl reads any. A 5,000-row plan's shared text or sheet is a
# few MB; a bomb's shared text of 195 MB once held a worker for 60 s and 655 MB of memory.
MAX_XLSX_UNPACKED_BYTES = 200 * MB
MAX_XLSX_PART_BYTES = 50 * MB
# Reading a file (not validating or writing it) may take this long; a real plan takes well under a second.
MAX_READ_SECONDS = 30
_clock = time.monotonic
ALLOWED_SUFFIXES = {".csv", ".xlsx", ".txt", ""}

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls and old Word documents
# Control characters never appear in a text CSV; their presence means binary content.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A UTF-8 encoded character beyond ASCII: a file holding one was saved as UTF-8, not in a Windows code page.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_UNDECODED_BYTE = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8, kept by errors="surrogateescape"
# Appended after the last line, it ends up inside a cell only when a quote was never closed. It holds a
# control character, which _decode never lets into the text, so no real cell can hold it.
_END_OF_FILE = "\x01end of file\x01"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
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


class ReadingBudget:
    """The time one file may take to read (MAX_READ_SECONDS), checked as rows and parts are read."""

    def __init__(self) -> None:
        self.deadline = _clock() + MAX_READ_SECONDS

    def check(self, row: int | None = None) -> None:
        if _clock() > self.deadline:
            message = (
                f"reading the file took longer than {MAX_READ_SECONDS} seconds, the most an import may take: "
                "split the plan into smaller files"
            )
            raise PlanFileError(PlanProblem(message, row=row))


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
    budget = ReadingBudget()
    if content.startswith(ZIP_MAGIC):
        raw_rows = _xlsx_rows(content, budget)
    elif content.startswith(OLE_MAGIC):
        raise PlanFileError(
            PlanProblem(
                "the file is an old Excel 97-2003 workbook (.xls): save it as an Excel workbook (.xlsx) or as CSV"
            )
        )
    else:
        raw_rows = _csv_rows(_decode(content))
    return _collect(raw_rows, budget)


def _collect(raw_rows: Iterator[list[Cell]], budget: ReadingBudget) -> Sheet:
    headers: tuple[str, ...] | None = None
    rows: list[SheetRow] = []
    problems: list[PlanProblem] = []
    for number, raw in enumerate(raw_rows, start=1):
        budget.check(row=number)
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
    binary = PlanFileError(PlanProblem(f"{NOT_A_PLAN_FILE}: it holds binary content, not text"))
    try:
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
            text = content.decode("utf-16")
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                if _CONTROL_BYTES.search(content):
                    raise binary from None
                if _UTF8_MULTIBYTE.search(content):
                    # Mostly UTF-8: read as Windows-1252 every other character would be garbled.
                    raise PlanFileError(_not_utf8(content)) from None
                # Excel on Windows saves "CSV (Comma delimited)" in the Windows code page.
                text = content.decode("cp1252")
    except UnicodeDecodeError:
        raise binary from None
    if _CONTROL.search(text):
        raise binary
    return text


def _not_utf8(content: bytes) -> PlanProblem:
    """Where a file that is UTF-8 elsewhere holds its first byte that is not: the row and cell, and the byte."""
    text = content.decode("utf-8-sig", errors="surrogateescape")
    headers: tuple[str, ...] = ()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    try:
        for number, row in enumerate(reader, start=1):
            for index, cell in enumerate(row):
                if found := _UNDECODED_BYTE.search(cell):
                    byte = bytes([ord(found.group()) - 0xDC00])
                    shown = byte.decode("cp1252", errors="replace")
                    known = f" (“{shown}” in Windows-1252)" if shown != "\ufffd" else ""
                    message = (
                        f"the file is UTF-8 except for the byte 0x{byte.hex().upper()}{known} in this cell, which is "
                        'not UTF-8: save the whole file as "CSV UTF-8" and import it again'
                    )
                    return PlanProblem(message, row=number, column=Sheet(headers, ()).column_name(index))
            if number == 1:
                headers = tuple(normalise_header(value) for value in row)
    except csv.Error:
        pass
    return PlanProblem(
        'the file is partly UTF-8 and partly not: save the whole file as "CSV UTF-8" and import it again'
    )


def _delimiter(text: str) -> str:
    """Comma, unless the header line plainly uses semicolons or tabs (some European and "Unicode text" exports)."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _csv_rows(text: str) -> Iterator[list[Cell]]:
    ending = "" if not text or text.endswith(("\n", "\r")) else "\r\n"
    reader = csv.reader(io.StringIO(text + ending + _END_OF_FILE, newline=""), delimiter=_delimiter(text), strict=False)
    headers: tuple[str, ...] = ()
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                message = (
                    f"a cell holds more than {MAX_CELL_CHARS:,} characters "
                    "(if none should, a quote in this row may never be closed)"
                )
            else:
                message = f"the row is not valid CSV ({exc})"
            raise PlanFileError(PlanProblem(message, row=number)) from None
        if row == [_END_OF_FILE]:
            return
        _check_quotes_closed(row, number, headers)
        if number == 1:
            headers = tuple(normalise_header(value) for value in row)
        yield list(row)


def _check_quotes_closed(row: list[str], number: int, headers: tuple[str, ...]) -> None:
    """An unclosed quote swallows every later row into one cell, so the end-of-file marker lands in it."""
    for index, cell in enumerate(row):
        if _END_OF_FILE in cell:
            message = (
                "the quote that opens this cell is never closed, so every row after it would be read into this one "
                'cell: close the quote, or write a quote inside a quoted cell twice ("")'
            )
            raise PlanFileError(PlanProblem(message, row=number, column=Sheet(headers, ()).column_name(index)))


# --- XLSX ----------------------------------------------------------------------------------------


_NOT_A_WORKBOOK = f"{NOT_A_PLAN_FILE}: it is a zip archive but not an Excel workbook that can be read"
_DAMAGED_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, RuntimeError)


def _xlsx_rows(content: bytes, budget: ReadingBudget) -> Iterator[list[Cell]]:
    _check_unpacked_sizes(content, budget)
    # openpyxl raises many kinds of error on a damaged or foreign file (zip, XML, key and type
    # errors); each means "this is not a workbook we can read", so each becomes the one clean error.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise PlanFileError(PlanProblem(_NOT_A_WORKBOOK)) from None
    problems: list[PlanProblem] = []
    headers: tuple[str, ...] = ()
    try:
        sheet = workbook.worksheets[0]
        # openpyxl keeps where the sheet lies in the zip only on this private attribute.
        uncalculated = _uncalculated_formulas(content, sheet._worksheet_path, budget)
        for number, row in enumerate(sheet.iter_rows(), start=1):
            values = [_xlsx_value(cell) for cell in row]
            problems += [
                PlanProblem(UNCALCULATED, row=number, column=Sheet(headers, ()).column_name(column - 1))
                for column in sorted(uncalculated.get(number, ()))
            ]
            if number == 1:
                headers = tuple(normalise_header(value) for value in values)
            yield values
    except PlanFileError:
        raise
    except Exception:
        raise PlanFileError(PlanProblem("the first sheet of the workbook could not be read")) from None
    finally:
        workbook.close()
    if problems:
        raise PlanFileError(problems)


UNCALCULATED = (
    "the cell holds a formula that has never been calculated, so its value is not in the file: open the workbook "
    "in Excel and save it again, or replace the formula by its value"
)


def _check_unpacked_sizes(content: bytes, budget: ReadingBudget) -> None:
    """Refuse a zip bomb before openpyxl reads any part.

    Every part is unpacked as a stream, counting real bytes: a zip's declared sizes can lie.
    """
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                size = 0
                with archive.open(info) as part:
                    while chunk := part.read(1024 * 1024):
                        budget.check()
                        size, total = size + len(chunk), total + len(chunk)
                        if size > MAX_XLSX_PART_BYTES:
                            raise PlanFileError(
                                _too_big(f"{_part_words(info.filename)} ({info.filename})", MAX_XLSX_PART_BYTES)
                            )
                        if total > MAX_XLSX_UNPACKED_BYTES:
                            raise PlanFileError(_too_big("the workbook", MAX_XLSX_UNPACKED_BYTES))
    except (*_DAMAGED_ZIP, ValueError, OSError, EOFError):
        raise PlanFileError(PlanProblem(_NOT_A_WORKBOOK)) from None


def _part_words(name: str) -> str:
    if name.lower() == "xl/sharedstrings.xml":
        return "the workbook's shared text"
    if name.lower().startswith("xl/worksheets/"):
        return "a sheet of the workbook"
    return "a part of the workbook"


def _too_big(what: str, limit: int) -> PlanProblem:
    return PlanProblem(
        f"{what} unpacks to more than {limit // MB} MB, far more than any plan needs; it may be a “zip bomb”. "
        "Save the plan again from Excel, or as CSV"
    )


def _uncalculated_formulas(content: bytes, sheet_path: str, budget: ReadingBudget) -> dict[int, list[int]]:
    """The columns (from 1), by row, of each formula cell with no calculated value: openpyxl would read it as blank.

    Excel always stores a formula's last value beside it; a workbook written by a script may not.
    """
    found: dict[int, list[int]] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read(sheet_path.lstrip("/"))  # at most MAX_XLSX_PART_BYTES, checked before
    if not _FORMULA_TAG.search(sheet_xml):  # most plans hold no formula: skip parsing the sheet twice
        return found
    for count, (_event, element) in enumerate(iterparse(io.BytesIO(sheet_xml), events=("end",))):
        if count % 10_000 == 0:
            budget.check()
        if element.tag != f"{_SHEET_NS}c":
            continue
        if element.find(f"{_SHEET_NS}f") is not None and _no_value(element) and element.get("r"):
            row, column = coordinate_to_tuple(element.get("r"))
            found.setdefault(row, []).append(column)
        element.clear()
    return found


def _no_value(cell) -> bool:
    """No <v>, or an empty one on a cell that is not text: a formula giving "" is stored as t="str" with <v></v>."""
    value = cell.find(f"{_SHEET_NS}v")
    return value is None or (not value.text and cell.get("t") != "str")


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
