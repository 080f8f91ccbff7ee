"""Judgements, requests (email, answered by evidence, "no response"), chasers: each writes history with its user."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from assurance import services, uploads
from assurance.models import AssuranceJudgement, AssuranceRequest, Chase
from assurance.tests import samples
from conftest import client_for
from tests.factories import first_board
from tests.queue import worked


def fake_renderer(review, agency, generated_by) -> bytes:
    return f"%PDF-1.7 extract of {review.slug} for {agency.name} by {generated_by.username}".encode()


def test_a_judgement_is_kept_and_becomes_the_actions_current_assurance(client, manager, action_a):
    url = reverse("assurance:judgement-create", args=[action_a.pk])
    client_for(client, manager)
    for level in ["partial", "assured"]:
        data = {"level": level, "statement": f"The board is {level}.", "judged_on": timezone.localdate().isoformat()}
        assert client.post(url, data).status_code == 302
    action_a.refresh_from_db()
    assert action_a.assurance_level == "assured" and action_a.assurance_statement == "The board is assured."
    assert AssuranceJudgement.objects.filter(action=action_a).count() == 2
    assert {j.history.get().history_user for j in AssuranceJudgement.objects.all()} == {manager}
    assert action_a.history.first().history_user == manager


def test_a_backdated_judgement_does_not_replace_a_later_one(manager, action_a):
    services.record_judgement(action_a, manager, level="assured", statement="Now.", judged_on=timezone.localdate())
    services.record_judgement(
        action_a,
        manager,
        level="not_assured",
        statement="Then.",
        judged_on=timezone.localdate() - datetime.timedelta(days=90),
    )
    action_a.refresh_from_db()
    assert action_a.assurance_level == "assured" and action_a.judgements.count() == 2


def test_a_judgement_in_the_future_or_without_statement_is_refused(client, manager, action_a):
    url = reverse("assurance:judgement-create", args=[action_a.pk])
    response = client_for(client, manager).post(url, {"level": "assured", "statement": "", "judged_on": "2999-01-01"})
    html = response.content.decode()
    assert "Enter the board&#x27;s assurance statement" in html and "today or in the past" in html
    assert AssuranceJudgement.objects.count() == 0


def test_sending_a_request_emails_the_leads_with_one_extract_per_review(client, manager, lead_a, action_a, monkeypatch):
    monkeypatch.setattr("actions.plan.render_agency_extract", fake_renderer)
    url = reverse("assurance:request-create") + f"?agency={action_a.agency_id}"
    data = {
        "subject": "Q1 assurance",
        "message": "Please send evidence.",
        "due_on": "2999-01-01",
        "actions": [action_a.pk],
    }
    with worked():
        response = client_for(client, manager).post(url, data)
    request = AssuranceRequest.objects.get()
    assert response.status_code == 302 and list(request.actions.all()) == [action_a]
    (email,) = mail.outbox
    assert email.to == ["lead_a@example.org"] and "Q1 assurance" in email.subject
    assert "Revise the visit template." in email.body
    ((name, content, mimetype),) = email.attachments
    assert name == "child-q-csc-action-plan.pdf" and mimetype == "application/pdf"
    assert content == b"%PDF-1.7 extract of child-q for Agency A (Children's Social Care) by manager"
    assert request.emailed_to == "lead_a@example.org" and request.attachments == name
    assert request.history.first().history_user == manager


def test_a_request_cannot_cover_another_agencys_actions(client, manager, action_a, action_b):
    url = reverse("assurance:request-create") + f"?agency={action_a.agency_id}"
    data = {"subject": "S", "due_on": "2999-01-01", "actions": [action_b.pk]}
    response = client_for(client, manager).post(url, data)
    assert "Choose actions of this agency" in response.content.decode()
    assert AssuranceRequest.objects.count() == 0 and mail.outbox == []


@pytest.mark.parametrize("subject", ["Q1 assurance\r\nBcc: someone@example.org", "Q1\nassurance", "Q1\u2028assurance"])
def test_a_subject_with_a_line_break_is_refused_by_the_form(client, manager, lead_a, action_a, subject):
    url = reverse("assurance:request-create") + f"?agency={action_a.agency_id}"
    data = {"subject": subject, "due_on": "2999-01-01", "actions": [action_a.pk]}
    response = client_for(client, manager).post(url, data)
    assert response.status_code == 200
    assert "The subject must be one line" in response.content.decode()
    assert AssuranceRequest.objects.count() == 0 and mail.outbox == []


def test_evidence_after_the_request_marks_it_answered(world, lead_a):
    request = world["request"]
    assert request.state == AssuranceRequest.State.NO_RESPONSE  # the world's evidence came before the request
    services.submit_evidence(
        world["action_a"],
        lead_a,
        title="Late reply",
        narrative="",
        produced_on=None,
        files=[uploads.inspect_upload(samples.upload("notes.txt"))],
    )
    request.refresh_from_db()
    assert request.response_received_on == timezone.localdate() and request.state == AssuranceRequest.State.ANSWERED
    assert "Late reply" in request.response_note and request.history.first().history_user == lead_a


def test_a_request_turns_to_no_response_after_its_due_date(manager, agency_a, action_a):
    request = AssuranceRequest.objects.create(
        board=first_board(), agency=agency_a, subject="S", due_on=timezone.localdate()
    )
    assert request.state == AssuranceRequest.State.OPEN
    request.due_on = timezone.localdate() - datetime.timedelta(days=1)
    assert request.state == AssuranceRequest.State.NO_RESPONSE
    assert list(AssuranceRequest.objects.no_response()) == []  # not saved yet
    request.save()
    assert list(AssuranceRequest.objects.no_response()) == [request]


def test_no_further_assurance_in_one_step_judges_every_action(client, world, manager, review, agency_a):
    from tests.factories import ActionFactory, RecommendationFactory

    second = ActionFactory(recommendation=RecommendationFactory(review=review, agency=agency_a, number="1.2"))
    request = world["request"]
    request.actions.add(second)
    response = client_for(client, manager).post(reverse("assurance:request-no-response", args=[request.pk]))
    assert response.status_code == 302
    for action in Action.objects.filter(pk__in=[world["action_a"].pk, second.pk]):
        assert action.assurance_level == "no_response"
        judgement = action.judgements.get()
        assert "did not reply" in judgement.statement and judgement.history.get().history_user == manager
    assert client.post(reverse("assurance:request-no-response", args=[request.pk])).status_code == 302
    assert AssuranceJudgement.objects.count() == 2  # a second click adds nothing


def test_a_chaser_is_recorded_and_emailed(client, world, manager, lead_a):
    url = reverse("assurance:request-chase", args=[world["request"].pk])
    data = {
        "chased_on": timezone.localdate().isoformat(),
        "method": "Email",
        "note": "Second request.",
        "email_leads": "on",
    }
    with worked():
        assert client_for(client, manager).post(url, data).status_code == 302
    chase = Chase.objects.get()
    assert chase.chased_by == manager and chase.emailed_to == "lead_a@example.org"
    assert chase.history.get().history_user == manager
    (email,) = mail.outbox
    assert "Reminder: Assurance on 1.1" in email.subject and "Second request." in email.body


def test_a_telephone_chaser_without_email(client, world, manager):
    url = reverse("assurance:request-chase", args=[world["request"].pk])
    data = {"chased_on": timezone.localdate().isoformat(), "method": "Telephone", "note": "Spoke to the lead."}
    with worked():
        client_for(client, manager).post(url, data)
    assert Chase.objects.get().emailed_to == "" and mail.outbox == []


def test_only_an_email_chaser_emails_even_with_the_box_left_ticked(client, world, manager):
    """The box sits under "Email" (revealed there); a letter sent with it still ticked is recorded, not emailed."""
    url = reverse("assurance:request-chase", args=[world["request"].pk])
    client = client_for(client, manager)
    assert client.get(url).context["form"]["email_leads"].value() is True  # an email chaser emails by default
    data = {"chased_on": timezone.localdate().isoformat(), "method": "Letter", "note": "Posted.", "email_leads": "on"}
    with worked():
        client.post(url, data)
    assert Chase.objects.get().emailed_to == "" and mail.outbox == []


@pytest.mark.parametrize(
    "query, expected",
    [("", 2), ("state=no_response", 1), ("state=open", 1), ("state=answered", 0), ("overdue=1", 1), ("overdue=0", 1)],
)
def test_request_list_filters(client, world, manager, agency_a, query, expected):
    AssuranceRequest.objects.create(
        board=first_board(), agency=agency_a, subject="Future", due_on=timezone.localdate() + datetime.timedelta(days=9)
    )
    response = client_for(client, manager).get(reverse("assurance:requests") + "?" + query)
    assert response.status_code == 200 and response.context["paginator"].count == expected


def test_an_invalid_filter_is_reported_and_shows_nothing(client, world, manager):
    response = client_for(client, manager).get(reverse("assurance:requests") + "?state=bogus")
    assert "There is a problem with the filters" in response.content.decode()
    assert response.context["paginator"].count == 0


def test_a_lead_cannot_filter_by_another_agency(client, world, lead_b, agency_a):
    response = client_for(client, lead_b).get(reverse("assurance:requests") + f"?agency={agency_a.pk}")
    assert response.context["paginator"].count == 0 and "Assurance on 1.1" not in response.content.decode()


def test_the_agency_lead_is_shown_how_to_answer_a_request_and_the_board_is_not(client, world, manager, lead_a):
    """A request says "No response" to its agency's lead: the page takes them to upload evidence, which answers it."""
    request, action = world["request"], world["action_a"]
    upload = reverse("assurance:evidence-create", args=[action.pk])
    page = client_for(client, lead_a).get(reverse("assurance:request-detail", args=[request.pk])).content.decode()
    assert "To reply, upload evidence on each action below" in page and f'href="{upload}"' in page
    page = client_for(client, manager).get(reverse("assurance:request-detail", args=[request.pk])).content.decode()
    assert "To reply" not in page and f'href="{upload}"' not in page
    request.response_received_on = timezone.localdate()
    request.save()
    page = client_for(client, lead_a).get(reverse("assurance:request-detail", args=[request.pk])).content.decode()
    assert "To reply" not in page and f'href="{upload}"' not in page


# ---- A reply received outside the tracker ------------------------------------------------------------


def reply_data(request, received_on, note="Email of 3 March: the template is in use in every team.") -> dict:
    from lscb.platform.locking import latest_history_id

    return {"response_received_on": received_on.isoformat(), "response_note": note, "seen": latest_history_id(request)}


def test_the_manager_records_a_reply_sent_by_email_and_the_request_is_answered(client, world, manager):
    request = world["request"]
    url = reverse("assurance:request-reply", args=[request.pk])
    client = client_for(client, manager)
    assert "Record a reply" in client.get(reverse("assurance:request-detail", args=[request.pk])).content.decode()
    today = timezone.localdate()
    response = client.post(url, reply_data(request, today))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == AssuranceRequest.State.ANSWERED and request.response_received_on == today
    assert request.response_note == "Email of 3 March: the template is in use in every team."
    assert request.history.latest().history_user == manager
    assert list(AssuranceRequest.objects.no_response()) == []
    page = client.get(reverse("assurance:request-detail", args=[request.pk])).content.decode()
    assert "the template is in use" in page and "Record a reply" not in page
    assert client.get(url).status_code == 403  # answered: nothing more to record


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "must be today or in the past"), (-40, "on or after the date the request was sent")],
)
def test_a_reply_dated_in_the_future_or_before_the_request_is_refused(client, world, manager, days, message):
    request = world["request"]
    url = reverse("assurance:request-reply", args=[request.pk])
    data = reply_data(request, timezone.localdate() + datetime.timedelta(days=days))
    response = client_for(client, manager).post(url, data)
    assert response.status_code == 200 and message in response.content.decode()
    request.refresh_from_db()
    assert request.response_received_on is None and request.response_note == ""


def test_evidence_that_answered_the_request_meanwhile_is_kept(client, world, manager, lead_a):
    request = world["request"]
    url = reverse("assurance:request-reply", args=[request.pk])
    opened = reply_data(request, timezone.localdate())  # the manager opens the form ...
    services.submit_evidence(  # ... the lead uploads evidence, which answers the request ...
        world["action_a"],
        lead_a,
        title="Audit report",
        narrative="",
        produced_on=None,
        files=[uploads.inspect_upload(samples.upload("notes.txt"))],
    )
    client = client_for(client, manager)
    response = client.post(url, opened)  # ... so the reply form is refused: the request is answered
    assert response.status_code == 403  # answered now: there is nothing to record
    request.refresh_from_db()
    assert request.response_note.startswith("Evidence “Audit report” uploaded")


def test_a_reply_saved_over_a_stale_form_joins_the_notes_and_keeps_the_earlier_date(world, manager):
    request = world["request"]
    first = timezone.localdate() - datetime.timedelta(days=2)
    services.record_reply(request, manager, received_on=first, note="Letter received.")
    services.record_reply(request, manager, received_on=timezone.localdate(), note="Email followed.")
    request.refresh_from_db()
    assert request.response_received_on == first and request.response_note == "Letter received.\nEmail followed."


def test_only_the_boards_manager_may_record_a_reply(client, world, chair, lead_a):
    request = world["request"]
    url = reverse("assurance:request-reply", args=[request.pk])
    for person in (chair, lead_a):
        assert client_for(client, person).post(url, reply_data(request, timezone.localdate())).status_code == 403
    request.refresh_from_db()
    assert request.response_received_on is None
