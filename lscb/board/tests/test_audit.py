"""The board's change log: filters, invalid input, pagination and links to the records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.choices import ActionStatus
from conftest import client_for
from lscb.board.tests.history_data import add_progress, change_action
from tests.factories import first_board


def audit(client, persona, **params):
    response = client_for(client, persona).get(reverse("board:audit"), params)
    assert response.status_code == 200
    return response


def kinds(response) -> list[tuple[str, str]]:
    return [(entry.record_label, entry.kind) for entry in response.context["entries"]]


@pytest.fixture
def board(manager, lead_a, action_a):
    """A small board history: the fixtures' creations, a manager's status change, a lead's update."""
    change_action(action_a, manager, status=ActionStatus.COMPLETED)
    add_progress(action_a, lead_a, "Audit of 20 case files complete.")
    return action_a


def test_the_log_lists_every_kind_of_record_newest_first(client, manager, board):
    response = audit(client, manager)
    assert kinds(response)[:2] == [("Progress update", "created"), ("Action", "changed")]
    labels = {label for label, _ in kinds(response)}
    assert {"Agency", "Review", "Recommendation", "Action", "Progress update"} <= labels
    dates = [entry.when for entry in response.context["entries"]]
    assert dates == sorted(dates, reverse=True)
    html = response.content.decode()
    assert "Completed" in html and 'class="lscb-diff-old">In progress<' in html


def test_filter_by_user(client, manager, lead_a, board):
    response = audit(client, manager, user=lead_a.pk)
    assert kinds(response) == [("Progress update", "created")]
    assert {entry.user for entry in response.context["entries"]} == {lead_a.get_full_name()}


def test_filter_by_kind_of_record(client, manager, board):
    assert kinds(audit(client, manager, kind="actions.action")) == [("Action", "changed"), ("Action", "created")]
    assert kinds(audit(client, manager, kind="reviews.review")) == [("Review", "created")]


def test_filter_by_kind_of_change(client, manager, board):
    changed = kinds(audit(client, manager, change="changed"))
    # The lead's agency link is an m2m change to the agency; the manager's is a status change.
    assert ("Action", "changed") in changed and all(kind == "changed" for _, kind in changed)
    created = kinds(audit(client, manager, change="created"))
    assert ("Progress update", "created") in created and all(kind == "created" for _, kind in created)
    board.progress_updates.get()._history_user = manager
    board.progress_updates.get().delete()
    assert kinds(audit(client, manager, change="deleted")) == [("Progress update", "deleted")]


def test_filter_by_date_range_is_inclusive_in_the_boards_time_zone(client, manager, action_a):
    for day in [1, 15, 31]:
        action_a._history_date = timezone.make_aware(datetime.datetime(2026, 3, day, 23, 30))
        change_action(action_a, manager, lead_officer=f"Officer {day}")
    response = audit(client, manager, date_from="15/03/2026", date_to="31/03/2026")
    assert [changes["Lead officer"] for changes in _lead_officers(response)] == ["Officer 31", "Officer 15"]
    iso = audit(client, manager, date_from="2026-03-01", date_to="2026-03-01")
    assert [changes["Lead officer"] for changes in _lead_officers(iso)] == ["Officer 1"]


def _lead_officers(response) -> list[dict]:
    return [{c.label: c.after for c in entry.changes} for entry in response.context["entries"]]


def test_filters_combine(client, manager, lead_a, board):
    response = audit(client, manager, user=manager.pk, kind="actions.progressupdate")
    assert kinds(response) == []
    assert "No changes match the filters." in response.content.decode()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"user": "999999"}, "Select a person from the list"),
        ({"user": "manager"}, "Select a person from the list"),
        ({"kind": "auth.user"}, "Select a kind of record from the list"),
        ({"change": "+"}, "Select created, changed or deleted"),
        ({"date_from": "31/02/2026"}, "Enter the ‘from’ date as a real date"),
        ({"date_to": "yesterday"}, "Enter the ‘to’ date as a real date"),
        ({"date_from": "02/03/2026", "date_to": "01/03/2026"}, "The ‘to’ date must be the same as or after"),
    ],
)
def test_invalid_filters_are_reported_and_show_nothing(client, manager, board, params, message):
    response = audit(client, manager, **params)
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "govuk-form-group--error" in html and 'aria-describedby="' in html
    # Never wider than asked for: an invalid filter shows no rows at all.
    assert response.context["entries"] == [] and response.context["page_obj"] is None
    assert response["Content-Type"].startswith("text/html")
    assert html.count("<title>Error: Change log")


def test_pagination_keeps_the_filters(client, manager, action_a):
    for n in range(30):
        change_action(action_a, manager, lead_officer=f"Officer {n}")
    first = audit(client, manager, kind="actions.action")
    assert first.context["page_obj"].paginator.count == 31
    assert len(first.context["entries"]) == 25
    html = first.content.decode()
    assert 'href="?kind=actions.action&amp;page=2"' in html and 'rel="next"' in html
    second = audit(client, manager, kind="actions.action", page=2)
    assert len(second.context["entries"]) == 6 and second.context["entries"][-1].kind == "created"


def test_rows_link_to_their_records(client, manager, board):
    response = audit(client, manager)
    by_label = {entry.record_label: entry for entry in response.context["entries"]}
    recommendation = board.recommendation
    assert by_label["Action"].record_url == reverse("actions:detail", args=[board.pk])
    assert by_label["Action"].record_name == "1.1: Revise the visit template."
    assert by_label["Recommendation"].record_url == reverse(
        "board:recommendation", args=[recommendation.review.slug, recommendation.pk]
    )
    assert by_label["Review"].record_url == reverse("board:review", args=[recommendation.review.slug])
    # Progress updates have no page of their own: they link to their action's.
    assert by_label["Progress update"].record_url == by_label["Action"].record_url
    assert f'href="{by_label["Action"].record_url}"' in response.content.decode()


def test_assurance_records_show_yes_no_and_many_to_many_names(client, manager, action_a, agency_a):
    from assurance.models import ChallengeEvent
    from tests.factories import AssuranceRequestFactory, EvidenceFactory

    evidence = EvidenceFactory(action=action_a, title="Case file audit")
    evidence.withdrawn = True
    evidence._history_user = manager
    evidence.save()
    request = AssuranceRequestFactory(agency=agency_a, subject="Assurance on visits")
    request.actions.add(action_a)
    event = ChallengeEvent.objects.create(
        board=first_board(), title="Spring challenge", held_on=datetime.date(2026, 4, 2), chair="Priya"
    )
    event.agencies_invited.add(agency_a)

    def newest(kind: str) -> dict:
        entry = audit(client, manager, kind=kind).context["entries"][0]
        return {change.label: change for change in entry.changes}

    withdrawn = newest("assurance.evidence")["Withdrawn"]
    assert (withdrawn.before, withdrawn.after) == ("No", "Yes")
    assert newest("assurance.assurancerequest")["Actions"].added == ["1.1: Revise the visit template."]
    invited = newest("assurance.challengeevent")
    assert invited["Agencies invited"].added == ["Agency A (Children's Social Care)"]
    assert "Agencies attending" not in invited


def test_the_manager_is_pointed_to_the_security_log_and_the_chair_is_not(client, manager, chair):
    security_log = reverse("board:security-log")
    assert f'href="{security_log}"' in audit(client, manager).content.decode()
    client.logout()
    assert security_log not in audit(client, chair).content.decode()
