"""Every action view × every persona × GET and POST (DESIGN.md §4).

The object is agency A's action: agency B's lead and the outsider get 404, the
chair reads only (403 on every change), agency A's lead may only add progress.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from lscb.platform.locking import latest_history_id
from tests.board_state import board_state

SIGN_IN = 302
PERSONAS = ["manager", "chair", "lead_a", "lead_b", "outsider", "anonymous"]


def expect(manager, chair, lead_a, lead_b, outsider):
    return dict(manager=manager, chair=chair, lead_a=lead_a, lead_b=lead_b, outsider=outsider, anonymous=SIGN_IN)


MATRIX = {
    "list": (expect(200, 200, 200, 200, 200), expect(405, 405, 405, 405, 405)),
    "detail": (expect(200, 200, 200, 404, 404), expect(405, 405, 405, 405, 405)),
    "create": (expect(200, 403, 403, 404, 404), expect(302, 403, 403, 404, 404)),
    "edit": (expect(200, 403, 403, 404, 404), expect(302, 403, 403, 404, 404)),
    "status": (expect(200, 403, 403, 404, 404), expect(302, 403, 403, 404, 404)),
    "progress": (expect(200, 403, 200, 404, 404), expect(302, 403, 302, 404, 404)),
}


def url_and_data(view: str, action) -> tuple[str, dict]:
    if view == "list":
        return reverse("actions:list"), {}
    if view == "create":
        data = {"description": "Audit the new template.", "lead_officer": "Head of Quality", "due_date": "31/03/2027"}
        return reverse("actions:create", args=[action.recommendation_id]), data
    url = reverse(f"actions:{view}", args=[action.pk])
    if view == "edit":
        data = {
            "description": "Revised.",
            "agency": action.agency_id,
            "lead_officer": "X",
            "seen": latest_history_id(action),
        }
        return url, data
    if view == "status":
        return url, {
            "status": "completed",
            "status_reason": "",
            "note": "Signed off",
            "seen": latest_history_id(action),
        }
    if view == "progress":
        return url, {"written_on": timezone.localdate().strftime("%d/%m/%Y"), "text": "Template in use since May."}
    return url, {}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", MATRIX)
@pytest.mark.parametrize("method", ["get", "post"])
def test_action_views_answer_each_persona_as_design_section_4_says(
    client, personas, action_a, action_b, view, persona, method
):
    url, data = url_and_data(view, action_a)
    expected = MATRIX[view][0 if method == "get" else 1][persona]
    before = board_state()
    client = client_for(client, personas[persona])
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == expected, response.content[:800]
    if persona == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if method == "post":
        refused = persona == "anonymous" or expected != 302
        assert (board_state() == before) is refused


@pytest.mark.parametrize("persona, rows", [("manager", 2), ("chair", 2), ("lead_a", 1), ("lead_b", 1), ("outsider", 0)])
def test_the_action_list_shows_each_persona_only_their_scope(client, personas, action_a, action_b, persona, rows):
    response = client_for(client, personas[persona]).get(reverse("actions:list"))
    assert response.status_code == 200
    shown = list(response.context["actions"])
    assert len(shown) == rows
    if persona == "lead_a":
        assert shown == [action_a]
        assert "Amend the triage checklist" not in response.content.decode()
