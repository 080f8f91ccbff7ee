"""The review register as a file (lscb/board/register.py): the review's own dates in the CSV and XLSX export, and
the same file loaded back, checked cell by cell, previewed, then written in one transaction with history."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import client_for
from lscb.board import register
from lscb.board.plan_import import PlanFileError
from reviews.models import Milestone, Review, refresh_milestones
from tests.factories import BoardFactory, ReviewFactory, give_role

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/reviews/import/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def reviews():
    rapid = ReviewFactory(
        kind=Review.Kind.RAPID,
        slug="rr-1",
        reference="RR 2026/01",
        aware_on=D(2026, 3, 2),
        panel_notified_on=D(2026, 3, 6),
        ofsted_reference="OFS-0001",
        decision=Review.Decision.LOCAL,
        decision_on=D(2026, 3, 20),
        decision_reasons="Agencies did not share what they knew.",
        incident_council="Northshire",
        home_council="Westshire",
        steis_reference="2026/1234",
    )
    cspr = ReviewFactory(kind=Review.Kind.CSPR, slug="cspr-1", converted_from=rapid, decision_on=D(2026, 3, 20))
    sar = ReviewFactory(kind=Review.Kind.SAR, slug="sar-1", sar_basis=Review.SarBasis.DISCRETIONARY)
    pfd = ReviewFactory(kind=Review.Kind.PFD, slug="pfd-1", pfd_report_on=D(2026, 12, 18), pfd_addressees="The ICB")
    for review in (rapid, cspr, sar, pfd):
        refresh_milestones(review)
    return {r.slug: r for r in (rapid, cspr, sar, pfd)}


def export(client, kind: str, query: str = "") -> bytes:
    response = client.get(f"/reviews/?export={kind}{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_export_holds_the_reviews_own_dates_and_next_milestone(client, manager, reviews):
    rows = {row["Web address name"]: row for row in csv_rows(export(client_for(client, manager), "csv"))}
    assert set(rows) == {"rr-1", "cspr-1", "sar-1", "pfd-1"}
    rapid = rows["rr-1"]
    assert rapid["Date the partnership became aware"] == "02/03/2026"
    assert rapid["Date the national Panel was notified"] == "06/03/2026"
    assert rapid["Ofsted notification reference"] == "OFS-0001"
    assert rapid["Decision"] == "Local review" and rapid["Date of the decision"] == "20/03/2026"
    assert rapid["Reasons for the decision"] == "Agencies did not share what they knew."
    assert rapid["Converted to"] == "cspr-1" and rows["cspr-1"]["Converted from"] == "rr-1"
    assert rapid["Council where the incident happened"] == "Northshire" and rapid["NHS StEIS reference"] == "2026/1234"
    assert rows["sar-1"]["Mandatory or discretionary"] == "Discretionary (Care Act 2014 s44(4))"
    pfd = rows["pfd-1"]
    assert pfd["Date of the coroner's report"] == "18/12/2026" and pfd["Coroner's response due"] == "12/02/2027"
    assert pfd["Next milestone"] == "Response sent to the coroner" and pfd["Next milestone due"] == "12/02/2027"
    assert rows["cspr-1"]["Next milestone"] == "Final report completed"
    assert rows["cspr-1"]["Next milestone state"] in {"Overdue", "On time", "Due soon"}


def test_the_export_holds_exactly_the_filtered_reviews_and_a_lead_sees_only_their_scope(client, manager, reviews):
    rows = csv_rows(export(client_for(client, manager), "csv", "&kind=sar"))
    assert [row["Web address name"] for row in rows] == ["sar-1"]
    refused = client.get("/reviews/?export=pdf")  # not a format of the register: nothing, and why
    assert refused.status_code == 400 and "Content-Disposition" not in refused
    assert "Choose an export format: csv, xlsx, tracker, not &#x27;pdf&#x27;" in refused.content.decode()


def test_the_xlsx_export_has_date_cells(client, manager, reviews):
    sheet = openpyxl.load_workbook(io.BytesIO(export(client_for(client, manager), "xlsx"))).active
    headings = [cell.value for cell in sheet[1]]
    slug_at, aware_at = headings.index("Web address name"), headings.index("Date the partnership became aware")
    rapid = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[slug_at] == "rr-1")
    assert rapid[aware_at].date() == D(2026, 3, 2)


def snapshot() -> list:
    return list(Review.objects.order_by("pk").values()) + list(Milestone.objects.order_by("pk").values())


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_exported_register_loads_back_unchanged(client, manager, reviews, kind):
    content = export(client_for(client, manager), kind)
    changes = register.compare(reviews["rr-1"].board_id, manager, content, f"register.{kind}")
    assert not changes.has_changes and changes.unchanged == 4


def edited_csv(client, manager, edit) -> bytes:
    rows = csv_rows(export(client_for(client, manager), "csv"))
    for row in rows:
        edit(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def confirm_fields(html: str) -> dict:
    return {name: re.search(rf'name="{name}" value="([0-9a-f]+)"', html).group(1) for name in ("token", "fingerprint")}


def test_the_manager_loads_dates_after_a_preview_with_history_and_milestones_counted_again(client, manager, reviews):
    def edit(row):
        if row["Web address name"] == "cspr-1":
            row["Date signed off"] = "15/09/2026"
            row["Date published"] = "2026-10-01"
            row["Web link to the published report"] = "https://example.org/cspr-1"
        if row["Web address name"] == "pfd-1":
            row["Coroner's response: extension agreed to"] = "12/03/2027"
        if row["Web address name"] == "sar-1":
            row["Mandatory or discretionary"] = "mandatory"

    content = edited_csv(client, manager, edit)
    before = snapshot()
    preview = client.post(URL, {"plan_file": SimpleUploadedFile("register.csv", content)})
    html = preview.content.decode()
    assert (
        preview.status_code == 200
        and "Check the changes" in html
        and "0 reviews to add, 3 to update, 1 unchanged" in html
    )
    assert "15/09/2026" in html and snapshot() == before  # a preview changes nothing
    response = client.post(URL, confirm_fields(html))
    assert response.status_code == 302
    cspr = Review.objects.get(slug="cspr-1")
    assert cspr.signed_off_on == D(2026, 9, 15) and cspr.published_on == D(2026, 10, 1)
    assert cspr.history.latest().history_user == manager
    final_report = cspr.milestones.get(rule__key="final_report")
    assert final_report.done_on == D(2026, 9, 15) and final_report.recorded_by == manager  # counted again
    assert Review.objects.get(slug="sar-1").sar_basis == Review.SarBasis.MANDATORY
    response_milestone = Milestone.objects.get(review__slug="pfd-1", rule__key="response")
    assert response_milestone.extended_to == D(2027, 3, 12) and response_milestone.due_on == D(2027, 3, 12)
    assert response_milestone.recorded_by == manager
    assert client.post(URL, confirm_fields(html)).context["expired"]  # confirming twice loads nothing more


def test_every_bad_cell_is_named_by_row_and_column_and_nothing_changes(client, manager, reviews):
    def edit(row):
        slug = row["Web address name"]
        if slug == "rr-1":
            row["Date the partnership became aware"] = "31/02/2026"
            row["Decision"] = "maybe"
        if slug == "cspr-1":
            row["Converted from"] = "sar-1"  # not a rapid review
            row["Web link to the published report"] = "not a link"
            row["Date signed off"] = "01/01/2027"  # good, but the file has problems
        if slug == "sar-1":
            row["Ofsted notification reference"] = "x" * 51
        if slug == "pfd-1":
            row["Mandatory or discretionary"] = "Mandatory"  # not a SAR

    content = edited_csv(client, manager, edit)
    before = snapshot()
    response = client.post(URL, {"plan_file": SimpleUploadedFile("register.csv", content)})
    html = response.content.decode()
    problems = [str(p) for p in response.context["problems"]]
    order = {r.slug: i + 2 for i, r in enumerate(Review.objects.order_by("-commissioned_on", "title", "pk"))}
    assert f'row {order["rr-1"]}, column Date the partnership became aware: "31/02/2026" is not a date' in " ".join(
        problems
    )
    assert any(p.startswith(f"row {order['rr-1']}, column Decision:") for p in problems)
    assert any(p.startswith(f"row {order['cspr-1']}, column Converted from:") for p in problems)
    assert any(p.startswith(f"row {order['cspr-1']}, column Web link to the published report:") for p in problems)
    assert any(p.startswith(f"row {order['sar-1']}, column Ofsted notification reference:") for p in problems)
    assert any(p.startswith(f"row {order['pfd-1']}, column Mandatory or discretionary:") for p in problems)
    assert '<td class="govuk-table__cell">Date the partnership became aware</td>' in html  # the problems table
    assert len(problems) == 6
    assert "Error: " in html.split("</title>")[0]
    assert "Nothing has changed" in html
    assert snapshot() == before


def test_a_review_of_another_board_or_twice_is_refused(manager, reviews):
    other = ReviewFactory(board=BoardFactory(), slug="elsewhere")
    content = b"Web address name,Reference\nelsewhere,X\nrr-1,A\nrr-1,B\n"
    with pytest.raises(PlanFileError) as error:
        register.compare(reviews["rr-1"].board_id, manager, content, "register.csv")
    messages = [str(p) for p in error.value.problems]
    # Web address names are unique across boards and the review form says so too: never a second "elsewhere".
    assert messages == [
        'row 2, column web_address_name: another review already uses the web address name "elsewhere": a register '
        "file adds and changes only this board's reviews, so choose a different name",
        'row 4, column web_address_name: "rr-1" is also on row 3: give each review one row',
    ]
    assert Review.objects.get(pk=other.pk).reference != "X"
    with pytest.raises(PlanFileError, match='no "Web address name" column'):
        register.compare(reviews["rr-1"].board_id, manager, b"Reference\nX\n", "register.csv")


def test_a_column_left_out_changes_nothing_and_an_empty_cell_clears(manager, reviews):
    content = b"Web address name,NHS StEIS reference,Something else\nrr-1,,hello\n"
    changes = register.load_register(reviews["rr-1"].board_id, manager, content, "register.csv")
    assert changes.ignored_columns == ["something_else"]
    rapid = Review.objects.get(slug="rr-1")
    assert rapid.steis_reference == "" and rapid.ofsted_reference == "OFS-0001"


def test_only_the_boards_manager_may_load_a_register(client, chair, lead_a, manager, reviews):
    assert client_for(client, chair).get(URL).status_code == 403
    assert client_for(client, lead_a).get(URL).status_code == 403
    client.logout()
    other_manager = give_role(manager.__class__.objects.create(username="m2"), "manager", BoardFactory()).user
    assert client_for(client, other_manager).get(URL).status_code == 200
    content = b"Web address name,Reference\nrr-1,Changed\n"
    response = client.post(URL, {"plan_file": SimpleUploadedFile("register.csv", content)})
    assert "another review already uses the web address name" in response.content.decode()  # changes nothing
    assert Review.objects.get(slug="rr-1").reference == "RR 2026/01"
