"""A learning activity's History page, and its changes in the board's change log (issue 15): the activity, its
attendance and its cascade confirmations are kept with their history like every record of the board."""

import pytest
from django.urls import reverse

from conftest import client_for
from reviews import roles
from reviews.models import LearningActivity, LearningAttendance
from tests.factories import BoardFactory, ReviewFactory, first_board, give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def briefing(client, manager, lead_a, agency_a, agency_b, review):
    """A briefing made, attended and cascaded through the pages, by the people who did it."""
    board = client_for(client, manager)
    form = {"kind": "briefing", "held_on": "01/03/2026", "title": "Child Q briefing", "reviews": [review.pk]}
    assert board.post(reverse("reviews:learning-create"), form).status_code == 302
    activity = LearningActivity.objects.get(title="Child Q briefing")
    for agency, attendees in ((agency_a, 12), (agency_b, 7)):
        url = reverse("reviews:learning-attendance", args=[activity.pk])
        assert board.post(url, {"agency": agency.pk, "attendees": attendees}).status_code == 302
    board.logout()
    lead = client_for(client, lead_a)
    url = reverse("reviews:learning-cascade", args=[activity.pk, agency_a.pk])
    assert lead.post(url).status_code == 302
    lead.logout()
    return activity


def entries(client, user, activity):
    response = client_for(client, user).get(reverse("board:learning-history", args=[activity.pk]))
    assert response.status_code == 200
    return [(e.record_label, e.kind, e.user) for e in response.context["entries"]], response.content.decode()


def test_the_history_page_shows_the_activity_its_attendance_and_cascades_and_who_did_each(
    client, manager, lead_a, briefing
):
    rows, html = entries(client, manager, briefing)
    assert rows == [
        ("Cascade confirmation", "created", lead_a.get_full_name()),
        ("Learning attendance", "created", manager.get_full_name()),
        ("Learning attendance", "created", manager.get_full_name()),
        ("Learning activity", "changed", manager.get_full_name()),  # the reviews it carries, set once it was saved
        ("Learning activity", "created", manager.get_full_name()),
    ]
    assert "Child Q: serious case review" in html  # the reviews it carries, as they were set
    detail = client.get(reverse("reviews:learning", args=[briefing.pk])).content.decode()
    assert reverse("board:learning-history", args=[briefing.pk]) in detail


def test_a_lead_sees_their_agencies_part_and_not_which_reviews_it_carries(client, lead_a, agency_a, briefing):
    rows, html = entries(client, lead_a, briefing)
    assert [label for label, _k, _u in rows] == [
        "Cascade confirmation",
        "Learning attendance",
        "Learning activity",
        "Learning activity",
    ]
    assert "Agency B" not in html and "Child Q: serious case review" not in html


def test_the_change_log_shows_learning_of_the_board_in_view_only(client, manager, agency_a, briefing):
    board_b = BoardFactory(slug="board-b")
    give_role(manager, roles.MANAGER, board_b)
    other = LearningActivity.objects.create(board=board_b, kind="event", held_on="2026-03-02", title="Board B event")
    other.reviews.add(ReviewFactory(board=board_b, slug="adult-b"))
    LearningAttendance.objects.create(activity=other, agency=agency_a, attendees=5)
    audit = client_for(client, manager)
    for kind, expected in (
        ("reviews.learningactivity", ["Child Q briefing", "Child Q briefing"]),
        ("reviews.learningattendance", ["12 from Agency A (Children's Social Care)", "7 from Agency B (Police)"]),
        ("reviews.cascadeconfirmation", ["Agency A (Children's Social Care) cascaded Child Q briefing"]),
    ):
        response = audit.get(reverse("board:audit"), {"kind": kind, "board": first_board().slug})
        assert sorted(e.record_name for e in response.context["entries"]) == expected
        assert all(e.record_url == reverse("reviews:learning", args=[briefing.pk]) for e in response.context["entries"])
    response = audit.get(reverse("board:audit"), {"kind": "reviews.learningactivity", "board": board_b.slug})
    assert [e.record_name for e in response.context["entries"]] == ["Board B event", "Board B event"]
