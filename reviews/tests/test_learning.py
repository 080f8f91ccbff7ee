"""Learning shared (DESIGN.md §11): activities, attendance by agency, a briefing's cascade, and where they show."""

import datetime

import pytest
from django.urls import reverse

from conftest import client_for
from lscb.board.dashboard import figures as dashboard
from reviews.models import CascadeConfirmation, LearningActivity, LearningAttendance
from tests.board_state import board_state
from tests.factories import ThemeFactory, first_board

pytestmark = pytest.mark.django_db

PERSONAS = ["manager", "chair", "lead_a", "lead_b", "outsider", "anonymous"]


@pytest.fixture
def briefing(review, agency_a, agency_b, action_a):
    activity = LearningActivity.objects.create(
        board=first_board(),
        kind=LearningActivity.Kind.BRIEFING,
        held_on=datetime.date(2026, 5, 1),
        title="Seven minutes on Child Q",
    )
    activity.reviews.add(review)
    LearningAttendance.objects.create(activity=activity, agency=agency_a, attendees=40)
    LearningAttendance.objects.create(activity=activity, agency=agency_b, attendees=12)
    return activity


def as_persona(client, personas, persona):
    return client_for(client, personas[persona]) if persona != "anonymous" else client


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_learning_pages(client, personas, briefing, persona):
    client = as_persona(client, personas, persona)
    expected_list = {"anonymous": 302}.get(persona, 200)
    assert client.get(reverse("reviews:learning-list")).status_code == expected_list
    # lead_b's agency attended, so lead_b sees the briefing too; the outsider has no role.
    expected_detail = {"outsider": 404, "anonymous": 302}.get(persona, 200)
    assert client.get(briefing.get_absolute_url()).status_code == expected_detail
    for name in ("reviews:learning-edit", "reviews:learning-attendance"):
        expected = {"manager": 200, "outsider": 404, "anonymous": 302}.get(persona, 403)
        assert client.get(reverse(name, args=[briefing.pk])).status_code == expected
    expected_new = {"manager": 200, "anonymous": 302}.get(persona, 403)
    assert client.get(reverse("reviews:learning-create")).status_code == expected_new


def test_a_lead_sees_only_the_learning_of_their_scope(client, lead_b, review, agency_a):
    other = LearningActivity.objects.create(
        board=first_board(), kind="event", held_on=datetime.date(2026, 6, 1), title="Event"
    )
    LearningAttendance.objects.create(activity=other, agency=agency_a, attendees=3)
    assert list(LearningActivity.objects.for_user(lead_b)) == []
    assert client_for(client, lead_b).get(other.get_absolute_url()).status_code == 404


def test_the_manager_adds_an_activity_with_reviews_and_themes(client, manager, review):
    theme = ThemeFactory(name="Supervision")
    data = {"kind": "event", "held_on": "14/03/2026", "title": "Learning event: Child Q", "reviews": [review.pk],
            "themes": [theme.pk], "description": ""}  # fmt: skip
    response = client_for(client, manager).post(reverse("reviews:learning-create"), data)
    assert response.status_code == 302
    activity = LearningActivity.objects.get()
    assert list(activity.reviews.all()) == [review] and list(activity.themes.all()) == [theme]
    assert activity.history.first().history_user == manager


@pytest.mark.parametrize(
    "attendees, message",
    [("-1", "must be 0 or more"), ("100001", "100,000 or fewer"), ("many", "as a whole number")],
)
def test_bad_attendance_is_refused_and_changes_nothing(client, manager, briefing, agency_a, attendees, message):
    before = board_state()
    url = reverse("reviews:learning-attendance", args=[briefing.pk])
    response = client_for(client, manager).post(url, {"agency": agency_a.pk, "attendees": attendees})
    assert response.status_code == 200 and message in response.content.decode()
    assert board_state() == before


def test_attendance_recorded_again_replaces_the_agencys_number(client, manager, briefing, agency_a):
    url = reverse("reviews:learning-attendance", args=[briefing.pk])
    assert client_for(client, manager).post(url, {"agency": agency_a.pk, "attendees": "45"}).status_code == 302
    assert LearningAttendance.objects.get(activity=briefing, agency=agency_a).attendees == 45
    assert LearningAttendance.objects.filter(activity=briefing).count() == 2


@pytest.mark.parametrize(
    "persona, agency, expected",
    [("manager", "a", 302), ("lead_a", "a", 302), ("lead_a", "b", 404), ("lead_b", "a", 404), ("chair", "a", 403),
     ("outsider", "a", 404), ("anonymous", "a", 302)],
)  # fmt: skip
def test_who_may_confirm_a_briefing_was_cascaded(
    client, personas, briefing, agency_a, agency_b, persona, agency, expected
):
    client = as_persona(client, personas, persona)
    target = {"a": agency_a, "b": agency_b}[agency]
    response = client.post(reverse("reviews:learning-cascade", args=[briefing.pk, target.pk]))
    assert response.status_code == expected
    confirmed = CascadeConfirmation.objects.filter(activity=briefing, agency=target).exists()
    assert confirmed == (expected == 302 and persona != "anonymous")


def test_a_confirmed_cascade_shows_who_and_when(client, lead_a, briefing, agency_a):
    client = client_for(client, lead_a)
    client.post(reverse("reviews:learning-cascade", args=[briefing.pk, agency_a.pk]))
    client.post(reverse("reviews:learning-cascade", args=[briefing.pk, agency_a.pk]))
    confirmation = CascadeConfirmation.objects.get()
    assert confirmation.confirmed_by == lead_a
    assert "Confirmed" in client.get(briefing.get_absolute_url()).content.decode()


def test_the_review_page_shows_how_its_learning_was_shared(client, manager, briefing, review):
    html = client_for(client, manager).get(review.get_absolute_url()).content.decode()
    assert "How the learning was shared" in html and "Seven minutes on Child Q" in html
    assert ">52<" in html  # 40 + 12 practitioners


def test_the_heat_map_counts_learning_beside_recommendations(manager, briefing, action_a):
    theme = ThemeFactory(name="Supervision")
    lonely = ThemeFactory(name="Record keeping")
    action_a.recommendation.themes.add(theme, lonely)
    briefing.themes.add(theme)
    rows = {row.theme: row for row in dashboard.build(manager).heat_rows}
    assert (rows["Supervision"].total, rows["Supervision"].learning) == (1, 1)
    assert (rows["Record keeping"].total, rows["Record keeping"].learning) == (1, 0)


@pytest.mark.parametrize("n", [3, 30])
def test_the_learning_list_query_count_does_not_grow(client, manager, review, agency_a, django_assert_num_queries, n):
    theme = ThemeFactory(name="Supervision")
    for i in range(n):
        activity = LearningActivity.objects.create(
            board=first_board(), kind="training", held_on=datetime.date(2026, 1, 1), title=f"T{i}"
        )
        activity.reviews.add(review)
        activity.themes.add(theme)
        LearningAttendance.objects.create(activity=activity, agency=agency_a, attendees=i)
    client = client_for(client, manager)
    # session, user, roles; count; the page (with attendance summed); its reviews; its themes.
    with django_assert_num_queries(7):
        assert client.get(reverse("reviews:learning-list")).status_code == 200
