"""Exports of the filtered action list hold exactly the rows the list shows."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions.choices import ActionStatus
from actions.models import ListExport
from conftest import assert_accessible_pdf, client_for, run_queued_tasks
from tests.factories import ActionFactory, RecommendationFactory

LIST = reverse("actions:list")


def listed_ids(client, query: str) -> list[int]:
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    ids = [a.pk for a in response.context["actions"]]
    assert response.context["paginator"].count == len(ids), "keep the test data within one page"
    return ids


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def board(review, agency_a, agency_b):
    for n in range(1, 4):
        rec = RecommendationFactory(review=review, agency=agency_a, number=f"1.{n}", text=f"A, recommendation {n}")
        ActionFactory(recommendation=rec, description=f"A action {n}", status=ActionStatus.IN_PROGRESS)
    rec = RecommendationFactory(review=review, agency=agency_b, number="2.1", text="B's recommendation")
    ActionFactory(recommendation=rec, description="B action", status=ActionStatus.COMPLETED)
    ActionFactory(
        recommendation=rec,
        description='=HYPERLINK("http://example.org","click")',
        status=ActionStatus.NOT_STARTED,
        due_date=datetime.date(2026, 3, 31),
    )


@pytest.mark.parametrize("query", ["", "status=in_progress", "review=child-q&sort=-due", "q=action"])
def test_csv_export_round_trips_the_filtered_rows(client, manager, board, query):
    client_for(client, manager)
    expected = [a for a in listed_ids(client, query)]
    response = client.get(f"{LIST}?{query}&export=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="OFFICIAL-SENSITIVE_actions-')
    header, *rows = csv_rows(response)
    assert header[:5] == ["Review", "No.", "Agency", "Recommendation", "Action"]
    from actions.models import Action

    descriptions = dict(Action.objects.values_list("pk", "description"))
    assert [row[4].lstrip("'") for row in rows] == [descriptions[pk] for pk in expected]


def test_exports_carry_the_protective_marking_outside_the_rows_so_they_still_import(client, manager, board, settings):
    settings.PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE PERSONAL"
    client_for(client, manager)
    response = client.get(f"{LIST}?export=csv")
    assert 'filename="OFFICIAL-SENSITIVE-PERSONAL_actions-' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[0] == "Review" and len(rows) == 5, "row 1 is still the header: nothing added above or below"
    response = client.get(f"{LIST}?export=xlsx")
    assert 'filename="OFFICIAL-SENSITIVE-PERSONAL_actions-' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]][:2] == ["Review", "No."] and sheet.max_row == 6
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE PERSONAL"
    assert sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE PERSONAL"
    assert sheet.print_title_rows == "$1:$1", "the heading row repeats on every printed page"
    assert workbook.properties.subject == workbook.properties.keywords == "OFFICIAL-SENSITIVE PERSONAL"
    assert workbook.properties.title == "OFFICIAL-SENSITIVE PERSONAL: actions"


def test_exports_have_a_status_reason_column(client, manager, review, agency_a):
    rec = RecommendationFactory(review=review, agency=agency_a, number="1.1")
    ActionFactory(recommendation=rec, status=ActionStatus.ON_HOLD, status_reason="Waiting for the new IT system.")
    client_for(client, manager)
    header, row = csv_rows(client.get(f"{LIST}?export=csv"))
    assert row[header.index("Status reason")] == "Waiting for the new IT system."
    sheet = load_workbook(io.BytesIO(client.get(f"{LIST}?export=xlsx").content)).active
    header, row = list(sheet.iter_rows(values_only=True))
    assert header[header.index("Status") + 1] == "Status reason"
    assert row[header.index("Status reason")] == "Waiting for the new IT system."


def test_csv_export_neutralises_spreadsheet_formulas_and_writes_uk_dates(client, manager, board):
    client_for(client, manager)
    _, *rows = csv_rows(client.get(f"{LIST}?status=not_started&export=csv"))
    [row] = rows
    assert row[4] == '\'=HYPERLINK("http://example.org","click")'
    assert row[6] == "31/03/2026"


def test_xlsx_export_has_real_dates_widths_and_a_frozen_header(client, manager, board):
    client_for(client, manager)
    response = client.get(f"{LIST}?status=not_started&status=completed&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width == 60
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(row[4] for row in rows) == sorted(['=HYPERLINK("http://example.org","click")', "B action"])
    formula_row = next(row for row in rows if row[4].startswith("="))
    assert formula_row[6] == datetime.datetime(2026, 3, 31)
    cell = next(c for c in sheet["E"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s", "text from the board is never a formula"


@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
def test_an_invalid_filter_exports_nothing_and_says_why(client, manager, board, kind):
    response = client_for(client, manager).get(f"{LIST}?status=finished&export={kind}")
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert "There is a problem" in response.content.decode()
    assert list(response.context["actions"]) == []


def test_an_unknown_export_format_is_reported(client, manager, board):
    response = client_for(client, manager).get(f"{LIST}?export=docx")
    assert response.status_code == 400
    assert "Choose an export format: csv, xlsx, pdf" in response.content.decode()


def test_an_agency_lead_exports_only_their_own_agencys_actions(client, lead_a, board):
    client_for(client, lead_a)
    _, *rows = csv_rows(client.get(f"{LIST}?export=csv"))
    assert {row[2] for row in rows} == {"Agency A (Children's Social Care)"}
    assert len(rows) == 3


@pytest.mark.parametrize("persona", ["outsider"])
def test_someone_with_no_role_exports_an_empty_file(client, personas, board, persona):
    _, *rows = csv_rows(client_for(client, personas[persona]).get(f"{LIST}?export=csv"))
    assert rows == []


def test_export_needs_sign_in(client, board):
    response = client.get(f"{LIST}?export=csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("n", [5, 50])
def test_csv_export_query_count_does_not_grow_with_rows(
    client, manager, review, agency_a, n, django_assert_num_queries
):
    for i in range(n):
        rec = RecommendationFactory(review=review, agency=agency_a, number=f"9.{i + 1}")
        ActionFactory(recommendation=rec)
    client_for(client, manager)
    # session, user, roles; the filtered actions with review and agency; their themes (prefetch).
    with django_assert_num_queries(5):
        rows = csv_rows(client.get(f"{LIST}?export=csv"))
    assert len(rows) == n + 1


def pdf_export(client, url: str, capture) -> tuple:
    """Ask for a PDF export as the list's link does; the worker prints it; follow the page to the download."""
    with capture(execute=True):
        asked = client.get(url)
    assert asked.status_code == 303
    page = asked["Location"]
    waiting = client.get(page)
    assert waiting.status_code == 202 and "Your PDF is being prepared" in waiting.content.decode()
    assert run_queued_tasks() == 1
    ready = client.get(page)
    assert ready.status_code == 200 and "Your PDF is ready" in ready.content.decode()
    download = page + "download/"
    assert download in ready.content.decode()
    return page, client.get(download)


def test_pdf_export_prints_exactly_the_filtered_rows(client, manager, board, django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    client_for(client, manager)
    _, response = pdf_export(client, f"{LIST}?status=in_progress&export=pdf&page=2", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert ListExport.objects.get().query == "status=in_progress"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for n in range(1, 4):
        assert f"A action {n}" in text
    assert "B action" not in text and "HYPERLINK" not in text
    assert "OFFICIAL-SENSITIVE" in text
    assert_accessible_pdf(response.content, "Action plan: filtered actions")


def test_the_pdf_exports_first_page_names_the_review_and_every_filter_in_words(
    client, manager, board, agency_a, django_capture_on_commit_callbacks
):
    from actions.tests.test_plan import pdf_text

    client_for(client, manager)
    query = f"review=child-q&status=in_progress&status=on_hold&agency={agency_a.pk}&due_before=2027-01-31&q=audit"
    _, response = pdf_export(client, f"{LIST}?{query}&export=pdf", django_capture_on_commit_callbacks)
    _, pages = pdf_text(response.content)
    first = " ".join(pages[0].split())
    assert "What this list holds" in first
    for words in [
        "Review Child Q: serious case review",  # the review's title
        "Agency Agency A (Children's Social Care)",
        "Status In progress or On hold",
        "Due on or before 31 January 2027",
        "Search audit",
    ]:
        assert words in first, words
    _, response = pdf_export(client, f"{LIST}?overdue=1&export=pdf", django_capture_on_commit_callbacks)
    first = " ".join(pdf_text(response.content)[1][0].split())
    assert "Review All reviews" in first and "Overdue Overdue only" in first


def test_a_leads_pdf_export_holds_only_their_agencys_rows_and_is_theirs_alone(
    client, lead_a, lead_b, manager, board, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    page, response = pdf_export(client_for(client, lead_a), f"{LIST}?export=pdf", django_capture_on_commit_callbacks)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "A action 1" in text and "B action" not in text and "Summary of 3 actions" in text
    for other in (lead_b, manager):
        client_for(client, other)
        assert client.get(page).status_code == 404
        assert client.get(page + "download/").status_code == 404


def test_the_pdf_export_request_prints_nothing_itself(client, manager, board, monkeypatch):
    """The request only records the export: the worker prints it (three at once took the service down)."""
    from actions import plan

    monkeypatch.setattr(plan, "html_to_pdf", lambda html: pytest.fail("printed inside the request"))
    response = client_for(client, manager).get(f"{LIST}?export=pdf")
    assert response.status_code == 303 and ListExport.objects.get().status == ListExport.Status.QUEUED
    assert client.get(response["Location"] + "download/")["Location"] == response["Location"]
