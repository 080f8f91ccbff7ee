"""Every assurance view × every persona × GET and POST (STYLE.md "Tests", NetBox's pattern).

Out of scope answers 404 (IDs cannot be probed); in scope but not allowed
answers 403; signed out is sent to sign in. A refused request changes nothing.
"""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from assurance.tests import samples
from conftest import client_for
from lscb.platform.locking import latest_history_id

PERSONAS = ["manager", "chair", "lead_a", "lead_b", "outsider", "anonymous"]


def _post_data(world) -> dict:
    """A valid POST body for each view, so an allowed POST really changes something."""
    a = world["action_a"]
    return {
        "assurance:evidence-create": lambda: {
            "title": "T",
            "narrative": "",
            "produced_on": timezone.localdate().isoformat(),
            "files": [samples.upload("report.pdf")],
        },
        "assurance:judgement-create": lambda: {
            "level": "assured",
            "statement": "The board is assured.",
            "judged_on": timezone.localdate().isoformat(),
        },
        "assurance:evidence-review": lambda: {
            "decision": "accepted",
            "note": "",
            "seen": latest_history_id(world["evidence"]),
        },
        "assurance:request-create": lambda: {
            "subject": "S",
            "message": "",
            "due_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "actions": [a.pk],
        },
        "assurance:request-chase": lambda: {
            "chased_on": timezone.localdate().isoformat(),
            "method": "Email",
            "note": "",
            "email_leads": "on",
        },
        "assurance:request-reply": lambda: {
            "response_received_on": timezone.localdate().isoformat(),
            "response_note": "Replied by email.",
            "seen": latest_history_id(world["request"]),
        },
        "assurance:challenge-create": lambda: {"title": "E", "held_on": timezone.localdate().isoformat(), "chair": "C"},
        "assurance:challenge-edit": lambda: {
            "title": "E2",
            "held_on": timezone.localdate().isoformat(),
            "chair": "C",
            "seen": latest_history_id(world["event"]),
        },
        "assurance:challenge-raise": lambda: {"action": a.pk, "challenge": "Why?"},
        "assurance:challenge-update": lambda: {
            "action": a.pk,
            "challenge": "Why?",
            "outcome": "Agreed",
            "seen": latest_history_id(world["challenge"]),
        },
    }


def _url(name, world) -> str:
    args = {
        "assurance:evidence-create": [world["action_a"].pk],
        "assurance:judgement-create": [world["action_a"].pk],
        "assurance:evidence-detail": [world["evidence"].pk],
        "assurance:evidence-download": [world["file"].pk],
        "assurance:evidence-review": [world["evidence"].pk],
        "assurance:evidence-withdraw": [world["evidence"].pk],
        "assurance:request-detail": [world["request"].pk],
        "assurance:request-chase": [world["request"].pk],
        "assurance:request-reply": [world["request"].pk],
        "assurance:request-no-response": [world["request"].pk],
        "assurance:challenge-detail": [world["event"].pk],
        "assurance:challenge-edit": [world["event"].pk],
        "assurance:challenge-raise": [world["event"].pk],
        "assurance:challenge-update": [world["event"].pk, world["challenge"].pk],
    }.get(name, [])
    url = reverse(name, args=args)
    return url + f"?agency={world['agency_a'].pk}" if name == "assurance:request-create" else url


OK, CHANGED, REFUSED, HIDDEN, NOT_ALLOWED = 200, 302, 403, 404, 405
# view: (GET by persona, POST by persona), personas in PERSONAS order minus anonymous (always 302 to sign in).
MATRIX = {
    "assurance:lead-home": ((403, 403, 200, 200, 403), (403, 403, 405, 405, 403)),
    "assurance:evidence-create": ((200, 403, 200, 404, 404), (302, 403, 302, 404, 404)),
    "assurance:evidence-detail": ((200, 200, 200, 404, 404), (405, 405, 405, 404, 404)),
    "assurance:evidence-download": ((200, 200, 200, 404, 404), (405, 405, 405, 404, 404)),
    "assurance:evidence-review": ((200, 403, 403, 404, 404), (302, 403, 403, 404, 404)),
    "assurance:evidence-withdraw": ((200, 403, 200, 404, 404), (302, 403, 302, 404, 404)),
    "assurance:judgement-create": ((200, 403, 403, 404, 404), (302, 403, 403, 404, 404)),
    "assurance:requests": ((200, 200, 200, 200, 403), (405, 405, 405, 405, 403)),
    "assurance:request-create": ((200, 403, 403, 403, 403), (302, 403, 403, 403, 403)),
    "assurance:request-detail": ((200, 200, 200, 404, 404), (405, 405, 405, 404, 404)),
    "assurance:request-chase": ((200, 403, 403, 404, 404), (302, 403, 403, 404, 404)),
    "assurance:request-reply": ((200, 403, 403, 404, 404), (302, 403, 403, 404, 404)),
    "assurance:request-no-response": ((200, 403, 403, 404, 404), (302, 403, 403, 404, 404)),
    "assurance:challenges": ((200, 200, 200, 200, 403), (405, 405, 405, 405, 403)),
    "assurance:challenge-create": ((200, 403, 403, 403, 403), (302, 403, 403, 403, 403)),
    "assurance:challenge-detail": ((200, 200, 200, 404, 404), (405, 405, 405, 404, 404)),
    "assurance:challenge-edit": ((200, 403, 403, 404, 404), (302, 403, 403, 404, 404)),
    "assurance:challenge-raise": ((200, 403, 403, 404, 404), (302, 403, 403, 404, 404)),
    "assurance:challenge-update": ((200, 403, 403, 404, 404), (302, 403, 403, 404, 404)),
}
CASES = [
    (name, method, persona, statuses[PERSONAS.index(persona)] if persona != "anonymous" else 302)
    for name, by_method in MATRIX.items()
    for method, statuses in zip(("get", "post"), by_method, strict=True)
    for persona in PERSONAS
]


def snapshot() -> dict:
    """Row counts of every assurance table and its history, and every evidence/request/action field."""
    counts = {model._meta.label: model.objects.count() for model in apps.get_app_config("assurance").get_models()}
    values = {
        label: list(apps.get_model(label).objects.order_by("pk").values())
        for label in ["assurance.Evidence", "assurance.AssuranceRequest", "actions.Action", "assurance.Challenge"]
    }
    return {"counts": counts, "values": values}


@pytest.mark.parametrize("name, method, persona, expected", CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_view_answers_each_persona(client, personas, world, name, method, persona, expected):
    client_for(client, personas[persona])
    before = snapshot()
    url = _url(name, world)
    data = _post_data(world).get(name, lambda: {})() if method == "post" else None
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == expected, response.content[:400]
    if expected == 302 and persona == "anonymous":
        assert "/accounts/login/" in response["Location"]
    after = snapshot()
    if method == "get" or expected != 302 or persona == "anonymous":
        # evidence downloads are logged (an append-only log, not a change to the board's records)
        after["counts"]["assurance.EvidenceDownload"] = before["counts"]["assurance.EvidenceDownload"]
        assert after == before
    else:
        assert after != before


@pytest.mark.parametrize("method", ["get", "post"])
def test_guessed_ids_answer_404_for_a_lead_of_another_agency(client, lead_b, world, method):
    client_for(client, lead_b)
    last = max(world["evidence"].pk, world["file"].pk, world["request"].pk, world["action_a"].pk)
    for pk in range(1, last + 3):
        for name in ["assurance:evidence-create", "assurance:evidence-detail", "assurance:evidence-download"]:
            url = reverse(name, args=[pk])
            response = client.get(url) if method == "get" else client.post(url)
            if name == "assurance:evidence-create" and pk == world["action_b"].pk:
                continue  # lead_b's own action
            assert response.status_code == 404, (name, pk)
