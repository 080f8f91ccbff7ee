"""Impact, kept apart from completion (DESIGN.md §11): evaluations, and "Embedded" only with impact evidenced."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.choices import ActionStatus
from actions.models import Action, ImpactEvaluation
from conftest import client_for
from lscb.board.dashboard.impact import overdue_evaluations
from lscb.platform.locking import latest_history_id
from tests.board_state import board_state
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["manager", "chair", "lead_a", "lead_b", "outsider", "anonymous"]


def evaluate(action: Action, judgement: str, whole_recommendation: bool = False) -> ImpactEvaluation:
    return ImpactEvaluation.objects.create(
        recommendation=action.recommendation,
        action=None if whole_recommendation else action,
        findings="Re-audit of 40 cases.",
        judgement=judgement,
    )


def post_status(client, action, status: str):
    data = {"status": status, "status_reason": "", "seen": latest_history_id(action)}
    return client.post(reverse("actions:status", args=[action.pk]), data)


@pytest.mark.parametrize("judgement", [None, "partly", "not_yet", "not_evidenced"])
def test_embedded_is_refused_without_an_evaluation_judged_impact_evidenced(client, manager, action_a, judgement):
    action_a.status = ActionStatus.EVIDENCED
    action_a.save()
    if judgement:
        evaluate(action_a, judgement)
    before = board_state()
    response = post_status(client_for(client, manager), action_a, ActionStatus.EMBEDDED)
    assert response.status_code == 200
    assert "needs an impact evaluation judged &quot;impact evidenced&quot;" in response.content.decode()
    assert board_state() == before
    action_a.refresh_from_db()
    assert action_a.status == ActionStatus.EVIDENCED


@pytest.mark.parametrize("whole_recommendation", [False, True])
def test_embedded_is_allowed_with_an_evaluation_judged_impact_evidenced(
    client, manager, action_a, whole_recommendation
):
    evaluate(action_a, "evidenced", whole_recommendation)
    response = post_status(client_for(client, manager), action_a, ActionStatus.EMBEDDED)
    assert response.status_code == 302
    action_a.refresh_from_db()
    assert action_a.status == ActionStatus.EMBEDDED
    assert action_a.history.first().history_user == manager


def test_another_actions_evaluation_does_not_make_this_one_embedded(manager, action_a, review):
    sibling = ActionFactory(recommendation=action_a.recommendation, description="Sibling.")
    evaluate(sibling, "evidenced")
    with pytest.raises(services.StatusRefused):
        services.change_status(action_a.pk, user=manager, seen=latest_history_id(action_a), status="embedded")
    action_a.refresh_from_db()
    assert action_a.status != ActionStatus.EMBEDDED


def evaluation_url(action) -> str:
    return reverse("actions:evaluation-create", args=[action.recommendation_id])


def evaluation_data(**changes) -> dict:
    today = timezone.localdate()
    data = {
        "action": "",
        "evaluated_on": today.strftime("%d/%m/%Y"),
        "judgement": "partly",
        "findings": "Re-audit found the prompt used in 60% of cases.",
        "evidence_links": "https://example.org/re-audit.pdf\nQA subgroup minutes, 4 March 2026",
    }
    return data | changes


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_open_and_post_the_evaluation_form(client, personas, action_a, persona):
    user = personas.get(persona)
    client = client_for(client, user) if user else client
    expected = {"manager": 200, "chair": 403, "lead_a": 403, "lead_b": 404, "outsider": 404, "anonymous": 302}
    assert client.get(evaluation_url(action_a)).status_code == expected[persona]
    before = ImpactEvaluation.objects.count()
    response = client.post(evaluation_url(action_a), evaluation_data())
    assert response.status_code == (302 if persona == "manager" else expected[persona])
    assert ImpactEvaluation.objects.count() == before + (1 if persona == "manager" else 0)


def test_the_manager_records_an_evaluation_of_one_action(client, manager, action_a):
    client = client_for(client, manager)
    response = client.post(evaluation_url(action_a), evaluation_data(action=action_a.pk, judgement="evidenced"))
    assert response.status_code == 302 and response["Location"] == action_a.get_absolute_url()
    evaluation = ImpactEvaluation.objects.get()
    assert (evaluation.action, evaluation.recorded_by, evaluation.judgement) == (action_a, manager, "evidenced")
    assert evaluation.history.first().history_user == manager
    page = client.get(action_a.get_absolute_url()).content.decode()
    assert "Impact evidenced" in page and 'href="https://example.org/re-audit.pdf"' in page
    assert "QA subgroup minutes, 4 March 2026" in page


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"evaluated_on": "01/01/2099"}, "The date of the evaluation must be today or in the past"),
        ({"findings": ""}, "Enter what the evaluation found"),
        ({"judgement": "great"}, "Select the judgement on impact"),
        ({"evidence_links": "\n".join(f"ref {n}" for n in range(21))}, "Enter 20 links to evidence or fewer"),
    ],
)
def test_a_bad_evaluation_is_refused_and_changes_nothing(client, manager, action_a, changes, message):
    before = board_state()
    response = client_for(client, manager).post(evaluation_url(action_a), evaluation_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert board_state() == before


def test_an_action_of_another_recommendation_cannot_be_evaluated_here(client, manager, action_a, action_b):
    response = client_for(client, manager).post(evaluation_url(action_a), evaluation_data(action=action_b.pk))
    assert "Select the whole recommendation or one of its actions" in response.content.decode()


def test_a_lead_sees_their_agencys_evaluations_and_not_others(client, lead_a, lead_b, action_a):
    evaluate(action_a, "not_yet")
    assert ImpactEvaluation.objects.for_user(lead_a).count() == 1
    assert ImpactEvaluation.objects.for_user(lead_b).count() == 0
    page = client_for(client, lead_a).get(action_a.recommendation.get_absolute_url()).content.decode()
    assert "Impact not yet evidenced" in page


def test_overdue_evaluations_are_those_past_their_date_with_none_recorded(manager, lead_b, action_a, action_b):
    today = timezone.localdate()
    past = today - datetime.timedelta(days=1)
    for action in (action_a, action_b):
        action.evaluate_by = past
        action.save()
    recommendation = action_a.recommendation
    recommendation.evaluate_by = past
    recommendation.save()
    evaluate(action_b, "not_yet")
    overdue = overdue_evaluations(manager)
    assert overdue.actions == [action_a] and overdue.recommendations == [recommendation]
    assert overdue_evaluations(lead_b).actions == []
    evaluate(action_a, "partly", whole_recommendation=True)
    assert overdue_evaluations(manager).recommendations == []


def test_the_import_cannot_make_an_action_embedded_without_impact_evidenced(manager):
    from lscb.board.plan_import import PlanFileError
    from lscb.board.plan_import.service import import_plan
    from lscb.board.tests.plan_import_support import SAMPLE_NAME, database_snapshot, sample_with
    from tests.factories import ReviewFactory

    review = ReviewFactory(slug="child-a")
    before = database_snapshot()
    with pytest.raises(PlanFileError) as refused:
        import_plan(review, sample_with(5, "status", "Embedded"), SAMPLE_NAME, manager)
    assert 'row 5, column status: "Embedded" needs an impact evaluation judged "impact evidenced"' in str(refused.value)
    assert database_snapshot() == before
    import_plan(review, sample_with(5, "status", "Completed and evidenced"), SAMPLE_NAME, manager)
    action = Action.objects.get(review=review, recommendation__number="2.1")
    evaluate(action, "evidenced")
    import_plan(review, sample_with(5, "status", "Embedded"), SAMPLE_NAME, manager)
    action.refresh_from_db()
    assert action.status == ActionStatus.EMBEDDED
