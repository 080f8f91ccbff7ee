"""Issue 12, finding 1: the manager moves an action from agency A to agency B (the action's edit form).

Requests, panels and evidence then show each lead only what they may see now: A's lead no longer
sees the action (its new description, its assurance) on A's request; B's lead does not see A's
requests, and A's chasers, beside the action. Evidence belongs to the action, so it moves with it:
the board and B's lead (the action's current agency) may read and download it; A's lead no longer may.
"""

import pytest
from django.urls import reverse

from actions.choices import AssuranceLevel
from assurance import services
from conftest import client_for
from lscb.platform.locking import latest_history_id

NEW_DESCRIPTION = "Police to brief every response officer on the new checklist."


@pytest.fixture
def moved(client, world, manager, agency_b):
    """A's action, covered by A's request and holding A's evidence, moved to B by the manager's edit form."""
    action = world["action_a"]
    services.record_judgement(
        action, manager, level=AssuranceLevel.PARTIAL, statement="Partly assured by B's briefing plan."
    )
    data = {
        "description": NEW_DESCRIPTION,
        "agency": agency_b.pk,
        "lead_officer": "",
        "due_date": "",
        "seen": latest_history_id(action),
    }
    response = client_for(client, manager).post(reverse("actions:edit", args=[action.pk]), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.agency == agency_b
    client.logout()
    return world


def test_a_leads_request_no_longer_shows_the_moved_action(client, moved, lead_a):
    response = client_for(client, lead_a).get(reverse("assurance:request-detail", args=[moved["request"].pk]))
    assert response.status_code == 200  # the request is still A's
    page = response.content.decode()
    assert NEW_DESCRIPTION not in page
    assert "Partially assured" not in page
    assert moved["action_a"].get_absolute_url() not in page
    assert response.context["actions"] == []


def test_the_manager_still_sees_every_action_of_the_request(client, moved, manager):
    response = client_for(client, manager).get(reverse("assurance:request-detail", args=[moved["request"].pk]))
    assert [action.pk for action in response.context["actions"]] == [moved["action_a"].pk]
    assert NEW_DESCRIPTION in response.content.decode()


def test_b_leads_panel_does_not_list_a_requests(client, moved, lead_b):
    response = client_for(client, lead_b).get(moved["action_a"].get_absolute_url())
    assert response.status_code == 200  # the action is B's now
    page = response.content.decode()
    assert moved["request"].subject not in page
    assert reverse("assurance:request-detail", args=[moved["request"].pk]) not in page


def test_the_boards_panel_still_lists_the_request(client, moved, chair):
    response = client_for(client, chair).get(moved["action_a"].get_absolute_url())
    assert moved["request"].subject in response.content.decode()


def test_a_lead_can_no_longer_open_the_moved_action_or_its_evidence(client, moved, lead_a):
    signed_in = client_for(client, lead_a)
    assert signed_in.get(moved["action_a"].get_absolute_url()).status_code == 404
    assert signed_in.get(reverse("assurance:evidence-detail", args=[moved["evidence"].pk])).status_code == 404
    assert signed_in.get(reverse("assurance:evidence-download", args=[moved["file"].pk])).status_code == 404


def test_b_lead_reads_and_downloads_the_evidence_that_moved_with_the_action(client, moved, lead_b):
    signed_in = client_for(client, lead_b)
    assert signed_in.get(reverse("assurance:evidence-detail", args=[moved["evidence"].pk])).status_code == 200
    response = signed_in.get(reverse("assurance:evidence-download", args=[moved["file"].pk]))
    assert response.status_code == 200
    page = signed_in.get(moved["action_a"].get_absolute_url()).content.decode()
    assert moved["evidence"].title in page
    assert reverse("assurance:evidence-download", args=[moved["file"].pk]) in page


def test_the_board_keeps_the_evidence_after_the_move(client, moved, manager, chair):
    for user in (manager, chair):
        response = client_for(client, user).get(reverse("assurance:evidence-download", args=[moved["file"].pk]))
        assert response.status_code == 200


def test_evidence_b_sends_does_not_answer_a_request(moved, lead_b):
    """The request was A's: B's evidence on the moved action must not write B's title into A's request."""
    services.submit_evidence(
        moved["action_a"], lead_b, title="Briefing register", narrative="", produced_on=None, files=[]
    )
    request = moved["request"]
    request.refresh_from_db()
    assert request.response_received_on is None and "Briefing register" not in request.response_note


def test_a_leads_request_list_no_longer_counts_the_moved_action(client, moved, lead_a, manager):
    url = reverse("assurance:requests")
    [shown] = client_for(client, lead_a).get(url).context["assurance_requests"]
    assert shown.action_count == 0
    [shown] = client_for(client, manager).get(url).context["assurance_requests"]
    assert shown.action_count == 1
