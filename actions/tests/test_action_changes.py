"""Status changes, progress updates, action edits and lost-update protection, through the views."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.choices import ActionStatus
from actions.models import ImpactEvaluation, ProgressUpdate
from conftest import client_for
from lscb.platform.locking import StaleEdit, latest_history_id
from tests.board_state import board_state


def uk(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def post_status(client, action, status, reason="", note="", seen=None):
    data = {"status": status, "status_reason": reason, "note": note, "seen": seen or latest_history_id(action)}
    return client.post(reverse("actions:status", args=[action.pk]), data)


@pytest.mark.parametrize("status", [ActionStatus.ON_HOLD, ActionStatus.NOT_ACCEPTED])
def test_on_hold_and_not_accepted_need_a_reason(client, manager, action_a, status):
    before = board_state()
    response = post_status(client_for(client, manager), action_a, status, reason="  ")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Enter the reason the action is &quot;{status.label}&quot;</a>" in html
    # Each status's reason has its own field, revealed under its radio: the error links to that one.
    field = "status_reason" if status == ActionStatus.ON_HOLD else "not_accepted_reason"
    assert f'href="#id_{field}"' in html and "govuk-error-summary" in html
    assert board_state() == before


def test_a_reason_is_stored_and_the_note_kept_as_the_history_reason(client, manager, action_a):
    response = post_status(client_for(client, manager), action_a, "on_hold", "Waiting for funding.", "Board meeting")
    assert response.status_code == 302
    action_a.refresh_from_db()
    assert action_a.status == ActionStatus.ON_HOLD and action_a.status_reason == "Waiting for funding."
    latest = action_a.history.first()
    assert latest.history_user == manager and latest.history_change_reason == "Board meeting"
    assert latest.status == ActionStatus.ON_HOLD


def evidence_impact(action) -> None:
    """An evaluation judged "impact evidenced", without which no action becomes Embedded."""
    ImpactEvaluation.objects.create(
        recommendation=action.recommendation, action=action, findings="Re-audit: 87%.", judgement="evidenced"
    )


@pytest.mark.parametrize("done", [ActionStatus.COMPLETED, ActionStatus.EVIDENCED, ActionStatus.EMBEDDED])
def test_completion_date_is_set_on_completion_and_cleared_on_reopening(client, manager, action_a, done):
    evidence_impact(action_a)
    client = client_for(client, manager)
    assert post_status(client, action_a, done).status_code == 302
    action_a.refresh_from_db()
    assert action_a.completed_on == timezone.localdate() and action_a.status_reason == ""
    assert post_status(client, action_a, ActionStatus.IN_PROGRESS).status_code == 302
    action_a.refresh_from_db()
    assert action_a.completed_on is None and action_a.status == ActionStatus.IN_PROGRESS


def test_moving_between_done_statuses_keeps_the_original_completion_date(manager, action_a):
    evidence_impact(action_a)
    services.change_status(
        action_a.pk, user=manager, seen=latest_history_id(action_a), status="completed", today=timezone.localdate()
    )
    action_a.refresh_from_db()
    later = timezone.localdate() + datetime.timedelta(days=40)
    services.change_status(action_a.pk, user=manager, seen=latest_history_id(action_a), status="embedded", today=later)
    action_a.refresh_from_db()
    assert action_a.completed_on == timezone.localdate()


def test_leaving_on_hold_clears_the_reason_but_history_keeps_it(manager, action_a):
    services.change_status(
        action_a.pk, user=manager, seen=latest_history_id(action_a), status="on_hold", reason="Funding."
    )
    action_a.refresh_from_db()
    services.change_status(action_a.pk, user=manager, seen=latest_history_id(action_a), status="in_progress")
    action_a.refresh_from_db()
    assert action_a.status_reason == ""
    assert action_a.history.filter(status_reason="Funding.").exists()


def test_an_unknown_status_is_refused(client, manager, action_a):
    before = board_state()
    response = post_status(client_for(client, manager), action_a, "finished")
    assert response.status_code == 200 and "Select a status from the list" in response.content.decode()
    assert board_state() == before


def test_progress_updates_are_added_never_overwritten_and_the_newest_feeds_the_action(client, lead_a, action_a):
    client = client_for(client, lead_a)
    url = reverse("actions:progress", args=[action_a.pk])
    first = timezone.localdate() - datetime.timedelta(days=10)
    assert client.post(url, {"written_on": uk(first), "text": "Template drafted."}).status_code == 302
    assert client.post(url, {"written_on": uk(timezone.localdate()), "text": "Template in use."}).status_code == 302
    # An update written about an earlier date is kept, but does not replace the newest as the summary.
    assert client.post(url, {"written_on": uk(first), "text": "Late note."}).status_code == 302
    updates = list(action_a.progress_updates.all())
    assert [u.text for u in updates] == ["Template in use.", "Late note.", "Template drafted."]
    assert all(u.author == lead_a for u in updates)
    action_a.refresh_from_db()
    assert action_a.progress == "Template in use."
    assert action_a.history.first().history_user == lead_a
    assert ProgressUpdate.history.filter(history_type="~").count() == 0
    page = client.get(reverse("actions:detail", args=[action_a.pk])).content.decode()
    assert page.index("Template in use.") < page.index("Late note.") < page.index("Template drafted.")


def test_a_progress_update_cannot_be_dated_in_the_future(client, manager, action_a):
    before = board_state()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(client, manager).post(
        reverse("actions:progress", args=[action_a.pk]), {"written_on": uk(tomorrow), "text": "Soon."}
    )
    assert response.status_code == 200
    assert "must be today or in the past" in response.content.decode()
    assert board_state() == before


def test_the_manager_edits_an_action_and_history_records_who(client, manager, action_a, agency_b):
    data = {
        "description": "Revise the template and train staff.",
        "agency": agency_b.pk,
        "lead_officer": "Head of Practice",
        "due_date": "30/06/2027",
        "seen": latest_history_id(action_a),
    }
    response = client_for(client, manager).post(reverse("actions:edit", args=[action_a.pk]), data)
    assert response.status_code == 302
    action_a.refresh_from_db()
    assert action_a.agency == agency_b and action_a.due_date == datetime.date(2027, 6, 30)
    assert action_a.history.first().history_user == manager


def test_an_empty_agency_defaults_to_the_recommendations(client, manager, action_a):
    data = {"description": "Second action.", "agency": "", "lead_officer": "", "due_date": ""}
    response = client_for(client, manager).post(reverse("actions:create", args=[action_a.recommendation_id]), data)
    assert response.status_code == 302
    new = action_a.recommendation.actions.latest("pk")
    assert new.agency_id == action_a.recommendation.agency_id
    assert new.history.first().history_user == manager


def test_a_stale_edit_is_refused_and_shows_what_changed(client, manager, chair, action_a):
    opened_at = latest_history_id(action_a)
    # Someone else changes the status after the manager opened the edit form.
    services.change_status(action_a.pk, user=chair, seen=opened_at, status="on_hold", reason="Paused.")
    before = board_state()
    data = {"description": "My edit.", "agency": action_a.agency_id, "lead_officer": "", "seen": opened_at}
    response = client_for(client, manager).post(reverse("actions:edit", args=[action_a.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone changed this action after you opened the form" in html
    assert "Status" in html and "In progress</span> → On hold" in html
    assert "Priya" in html  # who changed it
    assert board_state() == before
    # The form now carries the current marker: saving again overwrites knowingly.
    assert f'name="seen" value="{latest_history_id(action_a)}"' in html


def test_a_stale_status_change_is_refused(client, manager, action_a):
    opened_at = latest_history_id(action_a)
    services.update_action(action_a.pk, user=manager, seen=opened_at, values={"lead_officer": "New lead"})
    before = board_state()
    response = post_status(client_for(client, manager), action_a, "completed", seen=opened_at)
    assert response.status_code == 200
    assert "Lead officer" in response.content.decode()
    assert board_state() == before


def test_two_saves_from_the_same_version_cannot_both_win(manager, chair, action_a):
    seen = latest_history_id(action_a)
    services.update_action(action_a.pk, user=manager, seen=seen, values={"lead_officer": "First"})
    with pytest.raises(StaleEdit) as stale:
        services.update_action(action_a.pk, user=chair, seen=seen, values={"lead_officer": "Second"})
    [change] = stale.value.changes
    assert (change.label, change.before, change.after) == ("Lead officer", "Head of Safeguarding", "First")
    action_a.refresh_from_db()
    assert action_a.lead_officer == "First"


@pytest.mark.parametrize("n", [5, 50])
def test_the_action_page_query_count_does_not_grow_with_progress_updates(
    client, manager, action_a, django_assert_num_queries, n
):
    for i in range(n):
        ProgressUpdate.objects.create(action=action_a, text=f"Update {i}.", author=manager)
    client = client_for(client, manager)
    # session, user, memberships; the action (with recommendation, review and agencies); the review's partner
    # boards (whose managers may change it); its updates (with authors); its impact evaluations (its own and
    # its recommendation's);
    # the assurance panel: evidence (with files), judgements, requests, challenges (with events).
    with django_assert_num_queries(11):
        response = client.get(reverse("actions:detail", args=[action_a.pk]))
    assert len(response.context["progress_updates"]) == n
