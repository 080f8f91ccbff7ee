"""Challenge events: created and edited by the manager, read by the board, leads see their own agencies' part."""

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from assurance.models import Challenge, ChallengeEvent
from conftest import client_for
from lscb.platform.locking import latest_history_id


def test_manager_creates_an_event_and_raises_a_challenge_with_history(client, manager, agency_a, action_a):
    client_for(client, manager)
    data = {
        "title": "Autumn scrutiny",
        "held_on": timezone.localdate().isoformat(),
        "chair": "Priya Anand",
        "agencies_invited": [agency_a.pk],
        "agencies_attending": [agency_a.pk],
    }
    assert client.post(reverse("assurance:challenge-create"), data).status_code == 302
    event = ChallengeEvent.objects.get()
    assert list(event.agencies_attending.all()) == [agency_a]
    assert event.history.first().history_user == manager
    raise_url = reverse("assurance:challenge-raise", args=[event.pk])
    response = client.post(raise_url, {"action": action_a.pk, "challenge": "Show us the audit.", "response": "Sent."})
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.history.get().history_user == manager
    update = reverse("assurance:challenge-update", args=[event.pk, challenge.pk])
    seen = latest_history_id(challenge)
    client.post(
        update, {"action": action_a.pk, "challenge": "Show us the audit.", "outcome": "Board satisfied.", "seen": seen}
    )
    challenge.refresh_from_db()
    assert challenge.outcome == "Board satisfied." and challenge.history.count() == 2


def test_attending_agencies_must_be_invited(client, manager, agency_a, agency_b):
    data = {
        "title": "E",
        "held_on": timezone.localdate().isoformat(),
        "chair": "C",
        "agencies_invited": [agency_a.pk],
        "agencies_attending": [agency_b.pk],
    }
    response = client_for(client, manager).post(reverse("assurance:challenge-create"), data)
    assert "Agencies attending must also be invited: Agency B (Police)" in response.content.decode()
    assert ChallengeEvent.objects.count() == 0


def test_a_challenge_can_only_be_raised_on_an_invited_agencys_action(client, world, manager, action_b):
    url = reverse("assurance:challenge-raise", args=[world["event"].pk])
    response = client_for(client, manager).post(url, {"action": action_b.pk, "challenge": "Why?"})
    assert "Choose an action from the list" in response.content.decode()
    assert Challenge.objects.count() == 1


def test_a_lead_sees_only_their_own_agencys_challenges_at_a_shared_event(client, world, lead_a, lead_b, action_b):
    event = world["event"]
    event.agencies_invited.add(action_b.agency)
    Challenge.objects.create(event=event, action=action_b, challenge="Police triage: who checks?")
    url = reverse("assurance:challenge-detail", args=[event.pk])
    html_a = client_for(client, lead_a).get(url).content.decode()
    assert "How do you know it works?" in html_a and "Police triage" not in html_a
    html_b = client_for(client, lead_b).get(url).content.decode()
    assert "Police triage" in html_b and "How do you know it works?" not in html_b
    assert "Record a challenge" not in html_b


def test_challenges_show_in_the_actions_assurance_panel(world, lead_a):
    request = RequestFactory().get("/")
    request.user = lead_a
    html = Template("{% load assurance_tags %}{% action_assurance_panel action %}").render(
        Context({"request": request, "action": world["action_a"]})
    )
    assert "Spring challenge" in html and "How do you know it works?" in html
