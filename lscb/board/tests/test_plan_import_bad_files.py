"""Each kind of bad file is refused with its row and column, and leaves the database exactly as it was."""

import io
import re
import zipfile

import openpyxl
import pytest

from lscb.board.plan_import import PlanFileError, reading
from lscb.board.plan_import.reading import MAX_CELL_CHARS, MAX_ROWS, MAX_XLSX_PART_BYTES, MAX_XLSX_UNPACKED_BYTES
from lscb.board.plan_import.service import import_plan
from lscb.board.tests.plan_import_support import (
    SAMPLE_CSV,
    SAMPLE_NAME,
    database_snapshot,
    sample_rows,
    sample_with,
    to_csv,
    to_xlsx,
)
from tests.factories import ReviewFactory, first_board


def without_column(name: str) -> bytes:
    rows = sample_rows()
    index = rows[0].index(name)
    return to_csv([row[:index] + row[index + 1 :] for row in rows])


def with_duplicate_of(row: int) -> bytes:
    rows = sample_rows()
    return to_csv([*rows, rows[row - 1]])


def too_many_rows() -> bytes:
    rows = [["agency", "number", "recommendation"]]
    rows += [["Health", f"{n // 100}.{n % 100}", "Share records."] for n in range(MAX_ROWS + 1)]
    return to_csv(rows)


def utf8_but_one_windows_byte() -> bytes:
    """UTF-8 throughout ("é" in row 7), except one "£" saved as the Windows-1252 byte 0xA3."""
    content = sample_with(7, "progress", "Café budget: £40,000 agreed.")
    return content.replace("£".encode(), b"\xa3")


UNCLOSED_QUOTE = (
    b"agency,number,recommendation,action\r\n"
    b'Health,1,Share records.,"Audit the visits\r\n'
    b"Police,2,Share more records.,Act\r\n"
    b"Health,3,Share all records.,Act\r\n"
)


def workbook_with_formula_without_value() -> bytes:
    """A workbook with a formula in row 3's due date that nothing has calculated (as a script, not Excel, saves)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["agency", "number", "recommendation", "due_date"])
    sheet.append(["Health", "1", "Share records.", "31/03/2030"])
    sheet.append(["Police", "2", "Share more records.", "=B2+1"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n\x00\x01\x02\xff\xfe binary stream"
JUNK = bytes(range(256)) * 4

BAD_FILES = {
    "missing required column": (
        without_column("number"),
        SAMPLE_NAME,
        "row 1, column number: the file has no such column, and it is required",
    ),
    "missing number": (
        sample_with(5, "number", ""),
        SAMPLE_NAME,
        "row 5, column number: the recommendation number is missing",
    ),
    "bad date": (
        sample_with(9, "due_date", "31/02/2026"),
        SAMPLE_NAME,
        'row 9, column due_date: "31/02/2026" is not a date',
    ),
    "unknown status": (sample_with(7, "status", "Done"), SAMPLE_NAME, 'row 7, column status: "Done" is not a status'),
    "unknown assurance level": (
        sample_with(7, "assurance_level", "Fairly sure"),
        SAMPLE_NAME,
        'row 7, column assurance_level: "Fairly sure" is not an assurance level',
    ),
    "duplicate row": (
        with_duplicate_of(3),
        SAMPLE_NAME,
        "row 17, column action: the row repeats row 3: recommendation 1.1 has this action",
    ),
    "missing agency": (sample_with(8, "agency", ""), SAMPLE_NAME, "row 8, column agency: the agency is missing"),
    "missing recommendation": (
        sample_with(8, "recommendation", ""),
        SAMPLE_NAME,
        "row 8, column recommendation: the recommendation is missing",
    ),
    "on hold without a reason": (
        sample_with(8, "progress", ""),
        SAMPLE_NAME,
        'row 8, column progress: an action that is "On hold" needs a reason',
    ),
    "empty file": (b"", SAMPLE_NAME, "row 1: the file is empty"),
    "header only": (b"agency,number,recommendation\r\n", SAMPLE_NAME, "row 2: the file has no rows below the header"),
    "wrong file type": (PDF, "plan.pdf", 'the file is not a CSV or XLSX file: "plan.pdf" is a .pdf file'),
    "wrong content in a .csv": (PDF, "plan.csv", "the file is not a CSV or XLSX file: it holds binary content"),
    "binary junk": (JUNK, "plan.csv", "the file is not a CSV or XLSX file: it holds binary content"),
    "zip that is not a workbook": (b"PK\x03\x04" + JUNK, "plan.xlsx", "it is a zip archive but not an Excel workbook"),
    "old Excel workbook": (b"\xd0\xcf\x11\xe0" + JUNK, "plan.xls", 'the file is not a CSV or XLSX file: "plan.xls"'),
    "over-long cell": (
        sample_with(6, "progress", "x" * (MAX_CELL_CHARS + 1)),
        SAMPLE_NAME,
        "row 6, column progress: the cell holds 20,001 characters; the most a cell may hold is 20,000",
    ),
    "cell too long for CSV": (
        sample_with(6, "progress", "x" * 200_000),
        SAMPLE_NAME,
        "row 6: a cell holds more than 20,000 characters",
    ),
    "too many rows": (too_many_rows(), "big.csv", "row 5002: the file has more than 5,000 rows"),
    "one Windows-1252 byte in a UTF-8 file": (
        utf8_but_one_windows_byte(),
        SAMPLE_NAME,
        "row 7, column progress: the file is UTF-8 except for the byte 0xA3 (“£” in Windows-1252)",
    ),
    "unclosed quote": (
        UNCLOSED_QUOTE,
        "plan.csv",
        "row 2, column action: the quote that opens this cell is never closed",
    ),
    "formula without a calculated value": (
        workbook_with_formula_without_value(),
        "plan.xlsx",
        "row 3, column due_date: the cell holds a formula that has never been calculated",
    ),
}


@pytest.fixture
def imported_review(manager):
    """A review that already holds the sample plan, so that a bad file has something to damage."""
    review = ReviewFactory(slug="child-a")
    import_plan(review, SAMPLE_CSV, SAMPLE_NAME, manager)
    return review


@pytest.mark.django_db
@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_with_its_row_and_column_and_changes_nothing(kind, imported_review, chair):
    content, file_name, expected = BAD_FILES[kind]
    before = database_snapshot()

    with pytest.raises(PlanFileError) as error:
        import_plan(imported_review, content, file_name, chair)

    problems = [str(problem) for problem in error.value.problems]
    assert any(problem.startswith(expected) or expected in problem for problem in problems), problems
    assert database_snapshot() == before  # every model, link table and history table


@pytest.mark.django_db
def test_a_bad_file_for_a_new_review_does_not_create_the_review(manager):
    from reviews.models import Review

    with pytest.raises(PlanFileError):
        import_plan(
            Review(board=first_board(), slug="new", title="New", subject="New"),
            BAD_FILES["bad date"][0],
            SAMPLE_NAME,
            manager,
        )
    assert not Review.objects.filter(slug="new").exists()


def workbook_with_bloated(part: str, size: int) -> bytes:
    """The sample workbook with one part replaced by `size` bytes that deflate to almost nothing (a zip bomb)."""
    source = zipfile.ZipFile(io.BytesIO(to_xlsx(sample_rows())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            if info.filename != part:
                bomb.writestr(info.filename, source.read(info))
        bomb.writestr(part, b" " * size)  # openpyxl writes no shared text: this one is added, never referred to
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "part, words",
    [("xl/sharedStrings.xml", "the workbook's shared text"), ("xl/worksheets/sheet1.xml", "a sheet of the workbook")],
)
def test_a_workbook_part_that_unpacks_too_big_is_refused_before_it_is_read(
    part, words, imported_review, chair, monkeypatch
):
    bomb = workbook_with_bloated(part, MAX_XLSX_PART_BYTES + 1)
    assert len(bomb) < 1024 * 1024 and len(bomb) < MAX_XLSX_UNPACKED_BYTES
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl read the bomb"))
    before = database_snapshot()
    with pytest.raises(PlanFileError) as error:
        import_plan(imported_review, bomb, "plan.xlsx", chair)
    (problem,) = error.value.problems
    assert str(problem).startswith(f"{words} ({part}) unpacks to more than 50 MB")
    assert database_snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("content, name", [(SAMPLE_CSV, SAMPLE_NAME), (to_xlsx(sample_rows()), "plan.xlsx")])
def test_reading_a_file_that_takes_too_long_is_stopped(content, name, imported_review, chair, monkeypatch):
    seconds = iter([0.0])
    monkeypatch.setattr(reading, "_clock", lambda: next(seconds, reading.MAX_READ_SECONDS + 1.0))
    before = database_snapshot()
    with pytest.raises(PlanFileError) as error:
        import_plan(imported_review, content, name, chair)
    assert "reading the file took longer than 30 seconds" in str(error.value)
    assert database_snapshot() == before


def test_a_formula_that_excel_has_calculated_reads_as_its_value():
    content = workbook_with_formula_without_value()
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as saved:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes an empty value as <v /> or, with lxml installed (python-docx needs it), <v></v>.
                part = re.sub(rb"<f>B2\+1</f><v( /|></v)>", b'<f>"3"&amp;""</f><v>3</v>', part)
            saved.writestr(info.filename, part)
    sheet = reading.read_plan(out.getvalue(), "plan.xlsx")
    assert sheet.rows[-1].values == ("Police", "2", "Share more records.", "3")
