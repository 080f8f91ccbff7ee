"""The NHS Safeguarding Case Review Tracker's fields, as CSV from the review register (issue 17)."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from lscb.board import tracker
from reviews import roles
from reviews.models import LearningActivity, Milestone, Review, refresh_milestones
from tests.factories import (
    BoardFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
    UserFactory,
    first_board,
    give_role,
)

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def rapid_and_practice_review(agency_a):
    """A rapid review that became a practice review, with the national returns' dates and references."""
    rapid = ReviewFactory(
        slug="child-t-rapid",
        reference="RR 2026/03",
        subject="Child T",
        title="Child T: rapid review",
        kind=Review.Kind.RAPID,
        aware_on=datetime.date(2026, 1, 5),
        panel_notified_on=datetime.date(2026, 1, 9),
        ofsted_reference="SIN-0042",
        decision=Review.Decision.LOCAL,
        decision_on=datetime.date(2026, 1, 23),
        incident_council="Northbridge",
        home_council="Southmoor",
        steis_reference="2026/1234",
    )
    practice = ReviewFactory(
        slug="child-t",
        reference="LCSPR 2026/01",
        subject="Child T",
        title='=HYPERLINK("http://example.invalid")',  # a title a spreadsheet would run
        kind=Review.Kind.CSPR,
        converted_from=rapid,
        commissioned_on=datetime.date(2026, 2, 2),
        decision_on=datetime.date(2026, 1, 23),
        signed_off_on=datetime.date(2026, 7, 1),
        incident_council="Northbridge",
        home_council="Southmoor",
    )
    for review in (rapid, practice):
        refresh_milestones(review)
    theme = ThemeFactory(name="Information sharing")
    RecommendationFactory(review=practice, agency=agency_a, number="1.1").themes.add(theme)
    briefing = LearningActivity.objects.create(
        board=first_board(), kind="briefing", held_on=datetime.date(2026, 8, 3), title="Child T briefing"
    )
    briefing.reviews.add(practice)
    return rapid, practice


def test_the_register_offers_the_tracker_fields_as_csv_to_the_board(client, manager, rapid_and_practice_review):
    client_for(client, manager)
    page = client.get("/reviews/")
    assert b"export=tracker" in page.content
    response = client.get("/reviews/?export=tracker")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="OFFICIAL-SENSITIVE_case-review-tracker-')
    rows = {row["Local reference"]: row for row in read_csv(response)}
    assert list(rows) == ["LCSPR 2026/01", "RR 2026/03"]
    practice = rows["LCSPR 2026/01"]
    assert practice["Review"] == '\'=HYPERLINK("http://example.invalid")'  # never a formula
    assert practice["Type of review"] == "Child safeguarding practice review"
    assert practice["Converted from rapid review"] == "RR 2026/03"
    assert practice["Safeguarding partnership or board"] == first_board().name
    assert (practice["Council of the incident"], practice["Council of residence"]) == ("Northbridge", "Southmoor")
    assert (practice["Panel notified"], practice["Ofsted reference"]) == ("09/01/2026", "SIN-0042")
    assert (practice["Rapid review date"], practice["Rapid review decision"]) == ("23/01/2026", "Local review")
    assert practice["Commissioned (LCSPR, SAR or DHR)"] == "02/02/2026"
    assert (practice["Signed off"], practice["Published"], practice["Tracker status"]) == ("01/07/2026", "", "Closed")
    assert practice["Current stage"] == "Final report completed"
    assert practice["Next milestone"] == "Report sent to the Panel and the Secretary of State"
    assert practice["Themes"] == "Information sharing"
    assert practice["Learning shared"] == "Seven-minute briefing 03/08/2026: Child T briefing"
    rapid = rows["RR 2026/03"]
    assert (rapid["StEIS reference"], rapid["Date aware"], rapid["Tracker status"]) == (
        "2026/1234",
        "05/01/2026",
        "Open",
    )
    assert rapid["Converted from rapid review"] == ""
    assert rapid["Current stage"] == "Rapid review sent to the Panel, with the decision"
    assert list(practice) == tracker.HEADINGS


def test_the_file_holds_the_registers_filtered_rows_on_the_board_in_view(client, manager, rapid_and_practice_review):
    client_for(client, manager)
    rows = read_csv(client.get("/reviews/?export=tracker&kind=rapid"))
    assert [row["Local reference"] for row in rows] == ["RR 2026/03"]
    refused = client.get("/reviews/?export=tracker&kind=novel")
    assert refused.status_code == 400 and "Content-Disposition" not in refused
    other = client.get("/reviews/?export=pdf")  # not an export of the register: nothing, and why
    assert other.status_code == 400 and "Content-Disposition" not in other


def test_another_boards_review_and_its_rapid_review_stay_out(client, rapid_and_practice_review):
    board_b = BoardFactory(slug="board-b", name="Board B", protective_marking="OFFICIAL")
    manager_b = UserFactory(username="manager_b", role=roles.BUSINESS_MANAGER, role__board=board_b)
    rapid, _ = rapid_and_practice_review
    ReviewFactory(board=board_b, slug="adult-t", reference="SAR 2026/01", kind="sar", converted_from=rapid)
    client_for(client, manager_b)
    response = client.get("/reviews/?export=tracker")
    assert response["Content-Disposition"].startswith('attachment; filename="OFFICIAL_case-review-tracker-')
    (row,) = read_csv(response)
    assert row["Local reference"] == "SAR 2026/01"
    assert (row["Converted from rapid review"], row["Rapid review date"], row["Ofsted reference"]) == ("", "", "")


@pytest.mark.parametrize("persona", ["lead_a", "lead_b", "outsider"])
def test_leads_and_outsiders_are_not_offered_it_and_are_refused(client, personas, persona, rapid_and_practice_review):
    client_for(client, personas[persona])
    assert b"export=tracker" not in client.get("/reviews/").content
    assert client.get("/reviews/?export=tracker").status_code == 403


def test_the_scrutineer_and_chair_may_download_it(client, chair, rapid_and_practice_review):
    scrutineer = UserFactory(username="scrutineer")
    give_role(scrutineer, roles.SCRUTINEER)
    for user in (chair, scrutineer):
        client_for(client, user)
        assert len(read_csv(client.get("/reviews/?export=tracker"))) == 2


def _grow(n: int, agency) -> None:
    theme = ThemeFactory()
    for i in range(n):
        rapid = ReviewFactory(kind=Review.Kind.RAPID, aware_on=datetime.date(2026, 1, 5))
        review = ReviewFactory(kind=Review.Kind.CSPR, converted_from=rapid, decision_on=datetime.date(2026, 2, 1))
        RecommendationFactory(review=review, agency=agency, number=f"{i}.1").themes.add(theme)
        for each in (rapid, review):
            refresh_milestones(each)
        activity = LearningActivity.objects.create(
            board=first_board(), kind="event", held_on=datetime.date(2026, 3, 1), title=f"Event {i}"
        )
        activity.reviews.add(review)


def test_the_file_costs_the_same_queries_for_few_reviews_as_for_many(client, manager, agency_a):
    client_for(client, manager)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = read_csv(client.get("/reviews/?export=tracker"))
        return len(queries), len(rows)

    _grow(2, agency_a)
    few, rows_few = count()
    _grow(15, agency_a)
    many, rows_many = count()
    # The session and its user, the roles; the filtered reviews with board and rapid review, their partner
    # boards, milestones and learning shared; their themes; which rapid reviews the person sees.
    assert (rows_few, rows_many) == (4, 34)
    assert few == many == 3 + 6
    assert Milestone.objects.count() > 34
