"""Lost-update protection on the assurance forms that change an existing record: a save from a form
opened before someone else's change is refused, shows what changed, and goes through when sent again."""

from django.urls import reverse
from django.utils import timezone

from assurance import services
from assurance.models import Challenge, ChallengeEvent, Evidence
from conftest import client_for
from lscb.platform.locking import latest_history_id
from tests.board_state import board_state


def save_as(record, user, **values) -> None:
    for name, value in values.items():
        setattr(record, name, value)
    record._history_user = user
    record.save()


def test_a_stale_challenge_event_edit_is_refused_then_saved_knowingly(client, world, manager, chair, agency_a):
    event = world["event"]
    url = reverse("assurance:challenge-edit", args=[event.pk])
    client = client_for(client, manager)
    opened = client.get(url)
    seen = opened.context["form"]["seen"].value()
    save_as(ChallengeEvent.objects.get(pk=event.pk), chair, chair="Sam Okafor")
    data = {
        "title": "Spring challenge (rescheduled)",
        "held_on": timezone.localdate().strftime("%d/%m/%Y"),
        "chair": "Priya Anand",
    }
    data |= {"agencies_invited": [agency_a.pk], "seen": seen}
    before = board_state()
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone changed this challenge event after you opened the form" in html
    assert "Priya Anand</span> → Sam Okafor" in html
    assert board_state() == before
    assert f'name="seen" value="{latest_history_id(event)}"' in html
    # Sent again from the refreshed form: saved, over the other change, knowingly.
    again = client.post(url, {**data, "seen": latest_history_id(event)})
    assert again.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.chair) == ("Spring challenge (rescheduled)", "Priya Anand")


def test_a_stale_challenge_update_is_refused(client, world, manager, chair, action_a):
    event, challenge = world["event"], world["challenge"]
    url = reverse("assurance:challenge-update", args=[event.pk, challenge.pk])
    seen = latest_history_id(challenge)
    save_as(Challenge.objects.get(pk=challenge.pk), chair, response="Audit sent on Monday.")
    data = {"action": action_a.pk, "challenge": challenge.challenge, "outcome": "Board satisfied.", "seen": seen}
    before = board_state()
    response = client_for(client, manager).post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone changed this challenge after you opened the form" in html
    assert "(none)</span> → Audit sent on Monday." in html
    assert board_state() == before
    challenge.refresh_from_db()
    assert challenge.outcome == ""


def test_a_stale_evidence_review_is_refused(client, world, manager, lead_a):
    evidence = world["evidence"]
    url = reverse("assurance:evidence-review", args=[evidence.pk])
    seen = latest_history_id(evidence)
    # The lead corrects the evidence's title after the manager opened the review form.
    save_as(Evidence.objects.get(pk=evidence.pk), lead_a, title="Visit template v3")
    before = board_state()
    response = client_for(client, manager).post(url, {"decision": "accepted", "note": "", "seen": seen})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone changed this evidence after you opened the form" in html
    assert "Visit template v2</span> → Visit template v3" in html
    assert board_state() == before
    evidence.refresh_from_db()
    assert evidence.review_state == Evidence.ReviewState.SUBMITTED


def test_an_evidence_review_from_the_current_version_is_saved(client, world, manager):
    evidence = world["evidence"]
    services.review_evidence(evidence, manager, decision="more_requested", note="Send the audit.")
    url = reverse("assurance:evidence-review", args=[evidence.pk])
    opened = client_for(client, manager).get(url)
    seen = opened.context["form"]["seen"].value()
    assert seen == latest_history_id(evidence)
    assert client.post(url, {"decision": "accepted", "note": "", "seen": seen}).status_code == 302
    evidence.refresh_from_db()
    assert evidence.review_state == Evidence.ReviewState.ACCEPTED
