"""The board's decision on each recommendation (DESIGN.md §11): the form, the pages, the printed plan, the import."""

import datetime

import pytest
from django.urls import reverse

from actions import plan
from conftest import client_for
from lscb.board.plan_import import PlanFileError
from lscb.board.plan_import.service import import_plan
from lscb.board.tests.plan_import_support import SAMPLE_NAME, database_snapshot, sample_rows, to_csv
from lscb.platform.locking import latest_history_id
from reviews.models import Recommendation
from tests.board_state import board_state
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def edit_url(recommendation) -> str:
    return reverse("reviews:recommendation-edit", args=[recommendation.review.slug, recommendation.pk])


def form_data(recommendation, **decision) -> dict:
    data = {
        "number": recommendation.number,
        "agency": recommendation.agency_id or "",
        "text": recommendation.text,
        "source": "overview",
        "seen": latest_history_id(recommendation),
    }
    return data | decision


def test_a_not_accepted_recommendation_without_reasons_is_refused(client, manager, action_a):
    recommendation = action_a.recommendation
    before = board_state()
    data = form_data(recommendation, decision="not_accepted", decision_reason=" ", decided_by="QA subgroup",
                     decided_on="12/02/2026")  # fmt: skip
    response = client_for(client, manager).post(edit_url(recommendation), data)
    assert response.status_code == 200
    assert "Enter the reasons the recommendation is &quot;Not accepted&quot;" in response.content.decode()
    assert board_state() == before


def test_the_manager_records_a_decision_with_reasons_who_and_when(client, manager, action_a):
    recommendation = action_a.recommendation
    data = form_data(
        recommendation,
        decision="accepted_in_part",
        decision_reason="The service will use the partnership-wide form instead.",
        decided_by="Case review subgroup",
        decided_on="12/02/2026",
        sent_to="Department for Education",
        reply="Noted; guidance under review.",
    )
    response = client_for(client, manager).post(edit_url(recommendation), data)
    assert response.status_code == 302, response.context["form"].errors
    recommendation.refresh_from_db()
    assert recommendation.decision == Recommendation.Decision.ACCEPTED_IN_PART
    assert recommendation.decided_on == datetime.date(2026, 2, 12)
    assert recommendation.sent_to == "Department for Education"
    assert recommendation.history.first().history_user == manager
    page = client.get(recommendation.review.get_absolute_url()).content.decode()
    assert "Board's decision: <strong>Accepted in part</strong>" in page
    detail = client.get(recommendation.get_absolute_url()).content.decode()
    assert "Department for Education" in detail and "guidance under review" in detail


def test_a_decision_needs_its_date_and_a_reply_needs_its_addressee(client, manager, action_a):
    recommendation = action_a.recommendation
    data = form_data(recommendation, decision="accepted", reply="A reply with no addressee.")
    html = client_for(client, manager).post(edit_url(recommendation), data).content.decode()
    assert "Enter the date the decision was taken" in html
    assert "Enter to whom the recommendation was sent" in html


@pytest.mark.parametrize("persona, expected", [("chair", 403), ("lead_a", 403), ("lead_b", 404), ("outsider", 404)])
def test_only_the_manager_records_decisions(client, personas, action_a, persona, expected):
    recommendation = action_a.recommendation
    before = board_state()
    data = form_data(recommendation, decision="accepted", decided_on="01/02/2026")
    response = client_for(client, personas[persona]).post(edit_url(recommendation), data)
    assert response.status_code == expected
    assert board_state() == before


def test_the_printed_plan_states_the_decision_and_its_reasons():
    recommendation = RecommendationFactory(
        decision="not_accepted",
        decision_reason="Superseded by the regional protocol.",
        decided_on=datetime.date(2026, 1, 5),
    )
    action = ActionFactory(recommendation=recommendation)
    document = plan.plan_document(type(action).objects.filter(pk=action.pk), title="t", subject="s", generated_by=None)
    html = plan.plan_html(document)
    assert "Board's decision: Not accepted (05/01/2026): Superseded by the regional protocol." in html


def with_decisions(*cells_by_number) -> bytes:
    rows = sample_rows()
    rows[0] += ["decision", "decision_reason", "decided_on"]
    by_number = dict(cells_by_number)
    for row in rows[1:]:
        row += list(by_number.pop(row[1], ("", "", "")))
    return to_csv(rows)


def test_the_import_records_decisions_from_its_optional_columns(manager):
    review = ReviewFactory(slug="child-a")
    content = with_decisions(("6.1", ("Not accepted", "The partnership form already asks.", "12/02/2026")),
                             ("1.1", ("accepted", "", "2026-01-10")))  # fmt: skip
    import_plan(review, content, SAMPLE_NAME, manager)
    refused = Recommendation.objects.get(review=review, number="6.1")
    assert (refused.decision, refused.decision_reason, refused.decided_on) == (
        "not_accepted",
        "The partnership form already asks.",
        datetime.date(2026, 2, 12),
    )
    assert Recommendation.objects.get(review=review, number="1.1").decision == "accepted"
    assert Recommendation.objects.get(review=review, number="2.1").decision == ""


@pytest.mark.parametrize(
    "cells, message",
    [
        (
            ("Not accepted", "", ""),
            'row 14, column decision_reason: enter the reasons the recommendation is "Not accepted"',
        ),
        (
            ("Maybe", "", ""),
            'row 14, column decision: "Maybe" is not a decision: use one of Accepted, Accepted in part',
        ),
        (("Accepted", "", "31/02/2026"), 'row 14, column decided_on: "31/02/2026" is not a date'),
    ],
)
def test_a_bad_decision_cell_is_refused_with_its_row_and_changes_nothing(manager, cells, message):
    review = ReviewFactory(slug="child-a")
    before = database_snapshot()
    with pytest.raises(PlanFileError) as refused:
        import_plan(review, with_decisions(("6.1", cells)), SAMPLE_NAME, manager)
    assert message in str(refused.value)
    assert database_snapshot() == before
