"""Reading and validating plan files, without the database: formats, dates, vocabularies, odd input."""

import datetime
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.choices import ActionStatus, AssuranceLevel
from lscb.board.plan_import import PlanFileError
from lscb.board.plan_import.reading import normalise_header, read_plan
from lscb.board.plan_import.validation import validate
from lscb.board.tests.plan_import_support import SAMPLE_CSV, sample_rows, to_csv, to_xlsx

HEADER = ["agency", "number", "recommendation", "action", "due_date", "status", "progress", "assurance_level", "themes"]


def plan_of(rows: list[list], name: str = "plan.csv"):
    return validate(read_plan(to_csv([HEADER, *rows]), name))


def problems_of(content: bytes, name: str = "plan.csv") -> list[str]:
    with pytest.raises(PlanFileError) as error:
        validate(read_plan(content, name))
    return [str(problem) for problem in error.value.problems]


def one_action(**cells) -> dict:
    row = dict(zip(HEADER, ["Health", "1.1", "Share records.", "", "", "", "", "", ""], strict=True))
    row.update(cells)
    (rec,) = plan_of([list(row.values())]).recommendations
    return rec.actions[0].values


@pytest.mark.parametrize("heading", ["Due date", "DUE_DATE", " due  date ", "due-date", "Due_Date"])
def test_header_names_ignore_case_spaces_and_underscores(heading):
    assert normalise_header(heading) == "due_date"


def test_a_utf8_bom_and_crlf_line_ends_are_read():
    sheet = read_plan(to_csv(sample_rows(), bom=True), "plan.csv")
    assert sheet.headers[0] == "agency" and len(sheet.rows) == 15


def test_quoted_cells_keep_commas_quotes_and_line_breaks():
    content = b'agency,number,recommendation\r\n"Police, North",1,"Say ""was not brought"",\r\nnot DNA"\r\n'
    (rec,) = validate(read_plan(content, "plan.csv")).recommendations
    assert rec.agency == "Police, North" and rec.text == 'Say "was not brought",\nnot DNA'


def test_blank_rows_are_skipped_but_rows_keep_their_spreadsheet_numbers():
    content = b"agency,number,recommendation\n,,\nHealth,1,Text\n\nPolice,2,Other\n"
    plan = validate(read_plan(content, "plan.csv"))
    assert [(r.number, r.row) for r in plan.recommendations] == [("1", 3), ("2", 5)]


def test_semicolon_separated_and_windows_encoded_files_are_read():
    content = "agency;number;recommendation\nSanté;1;Café\n".encode("cp1252")
    (rec,) = validate(read_plan(content, "plan.csv")).recommendations
    assert (rec.agency, rec.text) == ("Santé", "Café")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("31/03/2026", datetime.date(2026, 3, 31)),
        ("31.03.2026", datetime.date(2026, 3, 31)),
        ("2026-03-31", datetime.date(2026, 3, 31)),
        ("1/4/2026", datetime.date(2026, 4, 1)),
        ("", None),
    ],
)
def test_uk_and_iso_dates_are_read(text, expected):
    assert one_action(due_date=text)["due_date"] == expected


@pytest.mark.parametrize("text", ["31/02/2026", "03/31/2026", "31/03/26", "next March", "2026-13-01", "01/01/0999"])
def test_anything_else_is_not_a_date(text):
    rows = [["Health", "1.1", "Share records.", "", text, "", "", "", ""]]
    assert problems_of(to_csv([HEADER, *rows])) == [
        f'row 2, column due_date: "{text}" is not a date (write dates as 31/03/2026, 31.03.2026 or 2026-03-31)'
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Completed and evidenced", ActionStatus.EVIDENCED),
        ("completed AND evidenced", ActionStatus.EVIDENCED),
        ("evidenced", ActionStatus.EVIDENCED),
        ("NOT_STARTED", ActionStatus.NOT_STARTED),
        ("in progress", ActionStatus.IN_PROGRESS),
        ("", ActionStatus.NOT_STARTED),
    ],
)
def test_status_matches_label_or_value_in_any_case(text, expected):
    assert one_action(status=text)["status"] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Partially assured", AssuranceLevel.PARTIAL),
        ("partial", AssuranceLevel.PARTIAL),
        ("NO FURTHER ASSURANCE RECEIVED", AssuranceLevel.NO_RESPONSE),
        ("", AssuranceLevel.AWAITING),
    ],
)
def test_assurance_level_matches_label_or_value_in_any_case(text, expected):
    assert one_action(assurance_level=text)["assurance_level"] == expected


def test_on_hold_takes_its_reason_from_progress_and_needs_one():
    values = one_action(status="On hold", progress="Waiting for the new system.")
    assert values["status_reason"] == "Waiting for the new system."
    rows = [["Health", "1.1", "Share records.", "", "", "Not accepted", "", "", ""]]
    assert problems_of(to_csv([HEADER, *rows])) == [
        'row 2, column progress: an action that is "Not accepted" needs a reason: write it in the progress column'
    ]


def test_themes_split_on_semicolons_and_gather_over_the_rows_of_a_number():
    plan = plan_of(
        [
            ["Health", "1.1", "Share records.", "First", "", "", "", "", "Supervision; Record keeping;"],
            ["", "1.1", "", "Second", "", "", "", "", "record keeping;Voice of the child"],
        ]
    )
    assert plan.recommendations[0].themes == ["Supervision", "Record keeping", "Voice of the child"]


def test_unknown_columns_are_reported_and_ignored():
    content = b"Agency,Number,Recommendation,Owner,,\nHealth,1,Text,Someone,,stray\n"
    plan = validate(read_plan(content, "plan.csv"))
    assert [str(w) for w in plan.warnings] == [
        "row 1, column owner: the import does not know this column, so it is ignored",
        "row 1, column F: the column has no heading, so its cells are ignored",
    ]


def test_a_missing_required_column_names_the_columns_not_understood():
    assert problems_of(b"Agency,Numbr,Recommendation\nHealth,1,Text\n") == [
        "row 1, column number: the file has no such column, and it is required "
        "(columns the import does not know: numbr)"
    ]


def test_later_rows_must_not_contradict_the_recommendation_text():
    content = to_csv([HEADER[:4], ["Health", "1", "Text", "A"], ["Health", "1", "Other text", "B"]])
    assert problems_of(content) == [
        "row 3, column recommendation: the text differs from row 2, the first row of recommendation 1: "
        "leave it blank or repeat it exactly"
    ]


def test_every_problem_in_the_file_is_reported_in_row_order():
    rows = sample_rows()
    rows[9][rows[0].index("status")] = "Done"
    rows[2][rows[0].index("due_date")] = "31/02/2026"
    rows[5][rows[0].index("agency")] = ""
    rows[5][rows[0].index("number")] = "9.9"
    problems = problems_of(to_csv(rows))
    assert [p.split(":")[0] for p in problems] == [
        "row 3, column due_date",
        "row 6, column agency",
        "row 10, column status",
    ]


def test_xlsx_reads_the_first_sheet_with_real_date_cells():
    plan = validate(read_plan(to_xlsx(sample_rows()), "plan.xlsx"))
    assert len(plan.recommendations) == 14
    assert plan.recommendations[0].actions[0].values["due_date"] == datetime.date(2026, 3, 31)


def test_xlsx_numbers_read_as_the_sheet_shows_them():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["agency", "number", "recommendation"])
    sheet.append(["Health", 6.1, "Shown as 6.10"])
    sheet.cell(row=2, column=2).number_format = "0.00"
    sheet.append(["Health", 7, "A whole number"])
    sheet.append(["Health", datetime.datetime(2026, 1, 1), "Excel made 1.1 a date"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(PlanFileError) as error:
        validate(read_plan(out.getvalue(), "plan.xlsx"))
    assert [str(p) for p in error.value.problems] == [
        "row 4, column number: the spreadsheet has turned this number into a date (01/01/2026): "
        "format the column as text"
    ]
    sheet.delete_rows(4)
    out = io.BytesIO()
    workbook.save(out)
    plan = validate(read_plan(out.getvalue(), "plan.xlsx"))
    assert [r.number for r in plan.recommendations] == ["6.10", "7"]


def test_openpyxl_parses_uploads_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "install defusedxml: openpyxl must not parse uploaded XML without it"


def test_the_sample_file_validates():
    plan = validate(read_plan(SAMPLE_CSV, "child-a-plan.csv"))
    assert plan.row_count == 15 and len(plan.recommendations) == 14 and not plan.warnings


# --- Odd input never raises anything but PlanFileError --------------------------------------------

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_and_validate(content: bytes, name: str = "plan.csv") -> None:
    try:
        validate(read_plan(content, name))
    except PlanFileError as error:
        assert error.problems and all(str(problem) for problem in error.problems)


@PROPERTY
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_raise_only_the_clean_error(content):
    read_and_validate(content)


@PROPERTY
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_that_look_like_a_zip_raise_only_the_clean_error(content):
    read_and_validate(b"PK\x03\x04" + content, "plan.xlsx")


@PROPERTY
@given(st.text(max_size=3000))
def test_arbitrary_text_raises_only_the_clean_error(text):
    read_and_validate(text.encode("utf-8"))
    read_and_validate(("agency,number,recommendation\n" + text).encode("utf-8"))


CELL_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@PROPERTY
@given(st.lists(st.lists(CELL_TEXT, max_size=12), max_size=25), st.permutations(HEADER))
def test_arbitrary_cells_under_a_real_header_raise_only_the_clean_error(rows, header):
    read_and_validate(to_csv([header, *rows]))


XLSX_VALUE = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(datetime.date(1900, 3, 1), datetime.date(2200, 1, 1)),
    st.booleans(),
)


@PROPERTY
@given(st.lists(st.lists(XLSX_VALUE, max_size=8), max_size=12), st.permutations(HEADER))
def test_arbitrary_workbooks_raise_only_the_clean_error(rows, header):
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    read_and_validate(out.getvalue(), "plan.xlsx")
