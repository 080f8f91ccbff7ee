"""The deadlines calendar: a private iCalendar feed reached by a secret token, scoped like the action list."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from conftest import client_for
from lscb.board.calendar import MAX_ACTIONS, PAST_DAYS
from lscb.platform.models import CalendarFeed
from reviews import clocks
from reviews.models import Review, refresh_milestones
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory


@pytest.fixture
def calendar_world(review, action_a, action_b):
    today = timezone.localdate()
    Action.objects.filter(pk__in=[action_a.pk, action_b.pk]).update(due_date=today + datetime.timedelta(days=10))
    review.reference = "SCR 2026/01"
    review.save()
    rapid = ReviewFactory(
        kind=Review.Kind.RAPID, slug="rr-7", reference="RR 2026/07", aware_on=clocks.add_working_days(today, -2)
    )
    RecommendationFactory(review=rapid, agency=action_b.agency, number="1")
    refresh_milestones(rapid)
    return {"rapid": rapid}


def make_feed(client, user) -> str:
    """The user's feed address, made through the page as they would."""
    client = client_for(client, user)
    assert client.post(reverse("board:calendar-reset")).status_code == 302
    return reverse("board:calendar-feed", args=[CalendarFeed.objects.get(user=user).token])


def events(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_parses_and_holds_all_day_entries_with_stable_uids(client, manager, calendar_world, action_a):
    url = make_feed(client, manager)
    client.logout()
    found = events(client.get(url))  # no sign-in: the token is the credential
    assert f"action-{action_a.pk}@lscb" in found
    notify = next(event for uid, event in found.items() if "Notify the national Panel" in str(event["summary"]))
    assert str(notify["summary"]).startswith("RR 2026/07: ")
    assert isinstance(notify.decoded("dtstart"), datetime.date) and not isinstance(
        notify.decoded("dtstart"), datetime.datetime
    )
    # A moved due date moves the event: same UID, new date.
    Action.objects.filter(pk=action_a.pk).update(due_date=timezone.localdate() + datetime.timedelta(days=20))
    moved = events(client.get(url))[f"action-{action_a.pk}@lscb"]
    assert moved.decoded("dtstart") == timezone.localdate() + datetime.timedelta(days=20)
    body = client.get(url).content.decode()
    assert "Child Q" not in body and action_a.description not in body  # no pseudonym, no action text


@pytest.mark.parametrize("persona", ["manager", "chair", "lead_a", "lead_b"])
def test_the_feed_is_scoped_exactly_like_the_action_list(client, personas, calendar_world, persona):
    user = personas[persona]
    url = make_feed(client, user)
    listed = {action.pk for action in client.get(reverse("actions:list")).context["page_obj"].object_list}
    found = events(client.get(url))
    assert {int(uid.split("-")[1].split("@")[0]) for uid in found if uid.startswith("action-")} == listed
    sees_rapid = persona in ("manager", "chair", "lead_b")
    assert any("RR 2026/07" in str(event["summary"]) for event in found.values()) == sees_rapid


def test_a_reset_token_and_a_deactivated_person_answer_404(client, lead_a, calendar_world):
    old = make_feed(client, lead_a)
    new = make_feed(client, lead_a)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    lead_a.is_active = False
    lead_a.save()
    client.logout()
    assert client.get(new).status_code == 404
    assert client.get(reverse("board:calendar-feed", args=["x" * 65])).status_code == 404


def test_the_page_shows_the_address_only_to_its_owner(client, manager, chair):
    url = make_feed(client, manager)
    assert url in client_for(client, manager).get(reverse("board:calendar")).content.decode()
    html = client_for(client, chair).get(reverse("board:calendar")).content.decode()
    assert url not in html and "Make my calendar address" in html


def test_the_feed_is_bounded(client, manager, review, agency_a, monkeypatch):
    monkeypatch.setattr("lscb.board.calendar.MAX_ACTIONS", 3)
    today = timezone.localdate()
    rec = RecommendationFactory(review=review, agency=agency_a, number="9")
    for days in (1, 2, 3, 4, 5):
        ActionFactory(recommendation=rec, due_date=today + datetime.timedelta(days=days))
    ActionFactory(recommendation=rec, due_date=today - datetime.timedelta(days=PAST_DAYS + 1))
    found = events(client.get(make_feed(client, manager)))
    assert len([uid for uid in found if uid.startswith("action-")]) == 3
    assert MAX_ACTIONS == 2_000


def test_the_feed_costs_the_same_queries_for_few_and_many_entries(
    client, manager, review, agency_a, django_assert_num_queries
):
    url = make_feed(client, manager)
    client.logout()
    rec = RecommendationFactory(review=review, agency=agency_a, number="9")
    for n in range(20):
        ActionFactory(recommendation=rec, due_date=timezone.localdate() + datetime.timedelta(days=n))
    # the feed and its owner; the owner's roles; milestones (with reviews); actions (with recommendations, reviews).
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
