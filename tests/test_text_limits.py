"""Issue 12, finding 2: every text field in every form has a bound; too long is refused in words, nothing stored.

A lead posted a 2.4-million-character progress update and every print of the plan then died. Each case
below posts one character over one field's bound through the page a person uses, and checks the GOV.UK
message naming the field and that the board's records are exactly as before.
"""

import re
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from actions import forms as action_forms
from actions.models import Action, ProgressUpdate
from assurance import forms as assurance_forms
from assurance.models import AssuranceJudgement, AssuranceRequest, Challenge, ChallengeEvent, Chase, Evidence
from conftest import client_for
from lscb.platform.limits import BoundedTextMixin
from lscb.platform.locking import latest_history_id
from reviews import forms as review_forms
from reviews.models import Agency, Milestone, MilestoneRule, Recommendation, Review, Theme
from tests.board_state import board_state
from tests.factories import first_board

BOUNDED_MODELS = (
    Agency,
    Theme,
    Review,
    Milestone,
    MilestoneRule,
    Recommendation,
    Action,
    ProgressUpdate,
    Evidence,
    AssuranceJudgement,
    AssuranceRequest,
    Chase,
    ChallengeEvent,
    Challenge,
)
ASSURANCE_MODELS = (Evidence, AssuranceJudgement, AssuranceRequest, Chase, ChallengeEvent, Challenge)


def everything() -> tuple:
    """The board's records and their history, assurance's included."""
    counts = [(model.objects.count(), model.history.count()) for model in ASSURANCE_MODELS]
    return board_state(), counts


def too_long(model, field: str) -> str:
    return "x" * (model.TEXT_LIMITS[field].characters + 1)


def refused(response, model, field: str) -> bool:
    return response.status_code == 200 and escape(model.TEXT_LIMITS[field].message()) in response.content.decode()


def form_classes() -> list[type]:
    modules = (review_forms, action_forms, assurance_forms)
    return [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__
    ]


@pytest.mark.parametrize("form_class", form_classes(), ids=lambda c: c.__name__)
def test_every_form_with_text_fields_bounds_them(form_class):
    """A form with a text field must hold the bounds: the mixin refuses to build one that lacks a bound."""
    text_fields = [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput)
    ]
    assert not text_fields or issubclass(form_class, BoundedTextMixin), text_fields


@pytest.mark.parametrize("model", BOUNDED_MODELS, ids=lambda m: m.__name__)
def test_every_bound_is_within_its_column_and_in_the_readme(model):
    readme = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text()
    for name, limit in model.TEXT_LIMITS.items():
        column = model._meta.get_field(name).max_length
        assert column is None or limit.characters <= column, name
        row = re.search(rf"^\|[^\n]*`{model.__name__}\.{name}`[^\n]*\|\s*{limit.characters:,}\s*\|", readme, re.M)
        assert row, f"README's Limits table has no row for {model.__name__}.{name} at {limit.characters:,}"


def test_the_2_4_million_character_progress_update_is_refused(client, lead_a, action_a):
    before = everything()
    data = {"written_on": timezone.localdate().isoformat(), "text": "x" * 2_400_000}
    response = client_for(client, lead_a).post(reverse("actions:progress", args=[action_a.pk]), data)
    assert refused(response, ProgressUpdate, "text")
    assert "Progress must be 10,000 characters or fewer" in response.content.decode()
    assert everything() == before


def test_a_progress_update_at_the_bound_is_kept(client, lead_a, action_a):
    data = {"written_on": timezone.localdate().isoformat(), "text": "x" * 10_000}
    assert client_for(client, lead_a).post(reverse("actions:progress", args=[action_a.pk]), data).status_code == 302
    action_a.refresh_from_db()
    assert len(action_a.progress) == 10_000


@pytest.mark.parametrize("field", ["description", "lead_officer"])
def test_an_action_edit_over_the_bound_is_refused(client, manager, action_a, field):
    data = {"description": "Revise.", "agency": action_a.agency_id, "lead_officer": "", "due_date": ""}
    data.update({field: too_long(Action, field), "seen": latest_history_id(action_a)})
    before = everything()
    response = client_for(client, manager).post(reverse("actions:edit", args=[action_a.pk]), data)
    assert refused(response, Action, field) and everything() == before


def test_a_status_reason_over_the_bound_is_refused(client, manager, action_a):
    data = {"status": "on_hold", "status_reason": too_long(Action, "status_reason"), "note": ""}
    before = everything()
    response = client_for(client, manager).post(
        reverse("actions:status", args=[action_a.pk]), {**data, "seen": latest_history_id(action_a)}
    )
    assert refused(response, Action, "status_reason") and everything() == before


def test_a_status_note_over_100_characters_is_refused_in_words(client, manager, action_a):
    data = {"status": "in_progress", "status_reason": "", "note": "x" * 101, "seen": latest_history_id(action_a)}
    before = everything()
    response = client_for(client, manager).post(reverse("actions:status", args=[action_a.pk]), data)
    assert "The note must be 100 characters or fewer" in response.content.decode() and everything() == before


@pytest.mark.parametrize("field", ["text", "number"])
def test_a_recommendation_over_the_bound_is_refused(client, manager, review, field):
    data = {"number": "9.1", "agency": "", "text": "Audit.", "source": "overview"}
    data[field] = too_long(Recommendation, field)
    before = everything()
    response = client_for(client, manager).post(reverse("reviews:recommendation-create", args=[review.slug]), data)
    assert refused(response, Recommendation, field) and everything() == before


@pytest.mark.parametrize("field", ["summary", "title"])
def test_a_review_over_the_bound_is_refused(client, manager, field):
    data = {"kind": "cspr", "slug": "child-z", "subject": "Child Z", "title": "Child Z", "status": "in_progress"}
    data[field] = too_long(Review, field)
    before = everything()
    response = client_for(client, manager).post(reverse("reviews:create"), data)
    assert refused(response, Review, field) and everything() == before


@pytest.mark.parametrize("field", ["title", "narrative"])
def test_evidence_over_the_bound_is_refused(client, lead_a, action_a, field, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = {"title": "Audit", "narrative": "", "produced_on": timezone.localdate().isoformat()}
    data[field] = too_long(Evidence, field)
    before = everything()
    response = client_for(client, lead_a).post(reverse("assurance:evidence-create", args=[action_a.pk]), data)
    assert refused(response, Evidence, field) and everything() == before
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_a_judgement_statement_over_the_bound_is_refused(client, manager, action_a):
    data = {"level": "assured", "statement": too_long(AssuranceJudgement, "statement")}
    data["judged_on"] = timezone.localdate().isoformat()
    before = everything()
    response = client_for(client, manager).post(reverse("assurance:judgement-create", args=[action_a.pk]), data)
    assert refused(response, AssuranceJudgement, "statement") and everything() == before


def test_an_evidence_review_note_over_the_bound_is_refused(client, manager, lead_a, action_a):
    from assurance import services

    evidence = services.submit_evidence(action_a, lead_a, title="Audit", narrative="", produced_on=None, files=[])
    data = {"decision": "more_requested", "note": too_long(Evidence, "review_note")}
    before = everything()
    response = client_for(client, manager).post(
        reverse("assurance:evidence-review", args=[evidence.pk]), {**data, "seen": latest_history_id(evidence)}
    )
    assert refused(response, Evidence, "review_note") and everything() == before


@pytest.mark.parametrize("field", ["message", "subject"])
def test_a_request_over_the_bound_is_refused(client, manager, lead_a, action_a, field):
    data = {"subject": "Assurance", "message": "", "due_on": "2999-01-01", "actions": [action_a.pk]}
    data[field] = too_long(AssuranceRequest, field)
    before = everything()
    url = reverse("assurance:request-create") + f"?agency={action_a.agency_id}"
    response = client_for(client, manager).post(url, data)
    assert refused(response, AssuranceRequest, field) and everything() == before


def test_a_chase_note_over_the_bound_is_refused(client, manager, agency_a, action_a):
    request = AssuranceRequest.objects.create(
        board=first_board(), agency=agency_a, subject="S", due_on=timezone.localdate()
    )
    request.actions.set([action_a])
    data = {"chased_on": timezone.localdate().isoformat(), "method": "Telephone", "note": too_long(Chase, "note")}
    before = everything()
    response = client_for(client, manager).post(reverse("assurance:request-chase", args=[request.pk]), data)
    assert refused(response, Chase, "note") and everything() == before


@pytest.mark.parametrize("field", ["notes", "chair", "title"])
def test_a_challenge_event_over_the_bound_is_refused(client, manager, agency_a, field):
    data = {"title": "Scrutiny", "held_on": timezone.localdate().isoformat(), "chair": "Priya Anand", "notes": ""}
    data[field] = too_long(ChallengeEvent, field)
    before = everything()
    response = client_for(client, manager).post(reverse("assurance:challenge-create"), data)
    assert refused(response, ChallengeEvent, field) and everything() == before


@pytest.mark.parametrize("field", ["challenge", "response", "outcome"])
def test_a_challenge_over_the_bound_is_refused(client, manager, agency_a, action_a, field):
    event = ChallengeEvent.objects.create(
        board=first_board(), title="Scrutiny", held_on=timezone.localdate(), chair="Priya Anand"
    )
    data = {"action": action_a.pk, "challenge": "Why?", "response": "", "outcome": ""}
    data[field] = too_long(Challenge, field)
    before = everything()
    response = client_for(client, manager).post(reverse("assurance:challenge-raise", args=[event.pk]), data)
    assert refused(response, Challenge, field) and everything() == before


def test_the_admin_holds_the_same_bound(client, action_a, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(admin)
    url = reverse("admin:actions_progressupdate_add")
    data = {"action": action_a.pk, "text": "x" * 10_001, "written_on": timezone.localdate().isoformat()}
    response = client.post(url, data)
    assert "Progress must be 10,000 characters or fewer" in response.content.decode()
    assert ProgressUpdate.objects.count() == 0
