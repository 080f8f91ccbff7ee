"""Subgroups and their meeting dates (issue 16): kept by the business manager, read by the board."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assurance.models import Meeting, Subgroup
from conftest import client_for
from tests.factories import BoardFactory, first_board

pytestmark = pytest.mark.django_db


def today():
    """Computed when asked (a run may cross midnight), never at import."""
    return timezone.localdate()


def _subgroup(name: str, board=None, meetings: int = 2) -> Subgroup:
    subgroup = Subgroup.objects.create(board=board or first_board(), name=name)
    for n in range(meetings):
        Meeting.objects.create(subgroup=subgroup, held_on=today() + datetime.timedelta(weeks=6 * n - 6))
    return subgroup


def test_the_manager_adds_a_subgroup_and_a_meeting_with_history(client, manager):
    client = client_for(client, manager)
    response = client.post(reverse("assurance:subgroup-create"), {"name": "Case review subgroup"})
    subgroup = Subgroup.objects.get()
    assert response.status_code == 302 and response["Location"] == subgroup.get_absolute_url()
    assert subgroup.board == first_board()
    create = reverse("assurance:meeting-create", args=[subgroup.pk])
    client.post(create, {"held_on_day": "14", "held_on_month": "1", "held_on_year": "2027", "note": "Room 2"})
    meeting = Meeting.objects.get()
    assert meeting.held_on == datetime.date(2027, 1, 14) and meeting.note == "Room 2"
    assert meeting.history.get().history_user == manager
    assert subgroup.history.get().history_user == manager
    page = client.get(subgroup.get_absolute_url()).content.decode()
    assert "14/01/2027" in page and reverse("board:meeting-pack", args=[meeting.pk]) in page


def test_a_subgroup_name_is_unique_on_its_board_and_the_same_date_is_one_meeting(client, manager):
    subgroup = _subgroup("Case review subgroup", meetings=1)
    client = client_for(client, manager)
    response = client.post(reverse("assurance:subgroup-create"), {"name": "case review subgroup"})
    assert "This board already has a subgroup called" in response.content.decode()
    day = subgroup.meetings.get().held_on
    response = client.post(
        reverse("assurance:meeting-create", args=[subgroup.pk]),
        {"held_on_day": day.day, "held_on_month": day.month, "held_on_year": day.year},
    )
    assert "already has a meeting on" in response.content.decode()
    assert "<title>Error: " in response.content.decode()


def test_the_form_pages_have_breadcrumbs_and_a_cancel_link(client, manager):
    subgroup = _subgroup("Case review subgroup", meetings=1)
    page = client_for(client, manager).get(reverse("assurance:meeting-create", args=[subgroup.pk])).content.decode()
    assert 'class="govuk-breadcrumbs"' in page and "Subgroups and meetings" in page
    assert f'href="{subgroup.get_absolute_url()}">Cancel</a>' in page
    assert 'name="held_on_day"' in page and 'type="date"' not in page  # the GOV.UK date input


def test_a_lead_and_another_boards_manager_get_404_for_a_subgroup(client, lead_a):
    subgroup = _subgroup("Case review subgroup")
    meeting = subgroup.meetings.first()
    other = BoardFactory(slug="other", name="Other Safeguarding Adults Board")
    from tests.factories import UserFactory

    manager_b = UserFactory(username="manager_b", role="manager", role__board=other)
    for user in (lead_a, manager_b):
        c = client_for(client, user)
        assert c.get(subgroup.get_absolute_url()).status_code == 404
        assert c.get(reverse("assurance:meeting-edit", args=[meeting.pk])).status_code == 404
        assert c.get(reverse("board:meeting-pack", args=[meeting.pk])).status_code == 404
    assert (
        "Case review subgroup" not in client_for(client, manager_b).get(reverse("assurance:subgroups")).content.decode()
    )


def test_the_list_shows_each_subgroups_last_and_next_meeting(client, chair):
    _subgroup("Case review subgroup", meetings=3)
    page = client_for(client, chair).get(reverse("assurance:subgroups")).content.decode()
    assert today().strftime("%d/%m/%Y") in page  # last: today's
    assert (today() + datetime.timedelta(weeks=6)).strftime("%d/%m/%Y") in page
    assert "Add a subgroup" not in page  # the chair reads, and changes nothing


@pytest.mark.parametrize("subgroups", [1, 6])
def test_the_subgroup_list_query_count_does_not_grow_with_subgroups(
    client, manager, subgroups, django_assert_num_queries
):
    for n in range(subgroups):
        _subgroup(f"Subgroup {n}", meetings=3)
    client = client_for(client, manager)
    client.get(reverse("assurance:subgroups"))  # the session and the board in view settle
    # session, user, memberships, the subgroups with their last and next meeting (one aggregate)
    with django_assert_num_queries(4):
        response = client.get(reverse("assurance:subgroups"))
    assert response.status_code == 200


@pytest.mark.parametrize("meetings", [1, 12])
def test_the_meeting_list_query_count_does_not_grow_with_meetings(client, manager, meetings, django_assert_num_queries):
    subgroup = _subgroup("Case review subgroup", meetings=meetings)
    client = client_for(client, manager)
    url = subgroup.get_absolute_url()
    client.get(url)
    # session, user, memberships, the subgroup with its board, the meetings' count and page, session's save
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
