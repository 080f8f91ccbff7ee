"""History entries say who changed what and when, in the board's labels rather than stored values."""

import datetime

import pytest
from django.urls import reverse

from actions.choices import ActionStatus
from actions.models import ProgressUpdate
from conftest import client_for
from lscb.board.tests.history_data import add_progress, change_action
from lscb.platform import values
from lscb.platform.history import Source, entries_for, timeline
from tests.factories import ThemeFactory


def history_of(client, user, action):
    response = client_for(client, user).get(reverse("board:action-history", args=[action.pk]))
    assert response.status_code == 200
    return response


def changes_by_label(entry) -> dict:
    return {change.label: (change.before, change.after) for change in entry.changes}


def test_a_status_change_shows_labels_uk_dates_agency_names_and_who(client, manager, action_a, agency_b):
    change_action(
        action_a,
        manager,
        reason="Agreed at the March subgroup",
        status=ActionStatus.EVIDENCED,
        due_date=datetime.date(2026, 3, 31),
        agency=agency_b,
        progress="Template revised and audited.",
    )
    response = history_of(client, manager, action_a)
    newest = response.context["entries"][0]
    assert (newest.kind, newest.user) == ("changed", manager.get_full_name())
    assert newest.reason == "Agreed at the March subgroup"
    changes = changes_by_label(newest)
    assert changes["Status"] == ("In progress", "Completed and evidenced")
    assert changes["Due date"][1] == "31/03/2026"
    assert changes["Agency"] == ("Agency A (Children's Social Care)", "Agency B (Police)")
    assert changes["Action taken / progress"] == ("(none)", "Template revised and audited.")
    html = response.content.decode()
    assert "Completed and evidenced" in html and "31/03/2026" in html and "Agreed at the March subgroup" in html
    assert ">evidenced<" not in html and "2026-03-31<" not in html


def test_bookkeeping_fields_never_show(client, manager, action_a):
    change_action(action_a, manager, lead_officer="Named nurse")
    entries = history_of(client, manager, action_a).context["entries"]
    labels = {change.label for entry in entries for change in entry.changes}
    assert "Lead officer" in labels
    assert not labels & {"Version", "Updated at", "Created at", "Sort key", "ID"}


def test_the_first_entry_lists_what_was_recorded_and_was_made_by_the_system(client, manager, action_a):
    created = history_of(client, manager, action_a).context["entries"][-1]
    assert (created.kind, created.kind_label, created.user) == ("created", "Created", values.SYSTEM)
    changes = changes_by_label(created)
    assert changes["Recommendation"][1] == "1.1 Agency A should see the child alone."
    assert changes["Status"][1] == "In progress"
    assert changes["Assurance level"][1] == "Awaiting assurance"
    # Empty fields are left out of a creation rather than listed as "(none)".
    assert "Completion date" not in changes and "Action taken / progress" not in changes


def test_clearing_a_value_shows_none(client, manager, action_a):
    change_action(action_a, manager, lead_officer="")
    newest = history_of(client, manager, action_a).context["entries"][0]
    assert changes_by_label(newest) == {"Lead officer": ("Head of Safeguarding", "(none)")}


def test_a_save_that_changes_nothing_visible_says_so(client, manager, action_a):
    change_action(action_a, manager)
    response = history_of(client, manager, action_a)
    assert response.context["entries"][0].changes == []
    assert "No details the board tracks were changed." in response.content.decode()


def test_progress_updates_are_merged_into_the_action_history_newest_first(client, manager, lead_a, action_a):
    change_action(action_a, manager, status=ActionStatus.COMPLETED)
    add_progress(action_a, lead_a, "Training delivered to 40 staff.", when=datetime.date(2026, 2, 1))
    entries = history_of(client, lead_a, action_a).context["entries"]
    assert [(e.record_label, e.kind) for e in entries] == [
        ("Progress update", "created"),
        ("Action", "changed"),
        ("Action", "created"),
    ]
    update = changes_by_label(entries[0])
    assert update["Progress"][1] == "Training delivered to 40 staff."
    assert update["Written on"][1] == "01/02/2026"
    assert update["Author"][1].startswith("Sam ")
    # The action is the page's subject: not repeated on each of its updates.
    assert "Action" not in update
    assert entries[0].user.startswith("Sam ")


def test_another_actions_progress_updates_stay_off_the_page(client, manager, action_a, action_b):
    add_progress(action_b, manager, "Police checklist amended.")
    entries = history_of(client, manager, action_a).context["entries"]
    assert all(entry.record_label == "Action" for entry in entries)


def test_a_deleted_progress_update_shows_as_deleted(client, manager, action_a):
    update = add_progress(action_a, manager, "Entered on the wrong action.")
    update._history_user = manager
    update.delete()
    response = history_of(client, manager, action_a)
    assert [e.kind for e in response.context["entries"][:2]] == ["deleted", "created"]
    assert "The record was deleted." in response.content.decode()


def test_recommendation_history_shows_themes_added_and_removed(client, manager, action_a):
    recommendation = action_a.recommendation
    sharing, supervision = ThemeFactory(name="Information sharing"), ThemeFactory(name="Supervision")
    recommendation._history_user = manager
    recommendation.themes.add(sharing)
    recommendation.themes.add(supervision)
    recommendation.themes.remove(sharing)
    url = reverse("board:recommendation-history", args=[recommendation.review.slug, recommendation.pk])
    response = client_for(client, manager).get(url)
    themes = [c for e in response.context["entries"] for c in e.changes if c.label == "Themes"]
    assert [(c.added, c.removed) for c in themes] == [
        ([], ["Information sharing"]),
        (["Supervision"], []),
        (["Information sharing"], []),
    ]
    assert themes[0].before == "Information sharing, Supervision" and themes[0].after == "Supervision"
    assert "Removed: Information sharing" in response.content.decode()


def test_review_history_shows_choice_labels_and_the_import_reason(client, manager, review):
    review.status = "closed"
    review.published_on = datetime.date(2025, 11, 4)
    review._history_user = manager
    review._change_reason = "imported from child-a.csv"
    review.save()
    response = client_for(client, manager).get(reverse("board:review-history", args=[review.slug]))
    newest = response.context["entries"][0]
    assert changes_by_label(newest) == {
        "Status": ("Action plan open", "Closed"),
        "Date published": ("(none)", "04/11/2025"),
    }
    assert "imported from child-a.csv" in response.content.decode()


def test_pages_are_exact_at_their_edges(client, manager, action_a):
    for n in range(30):
        change_action(action_a, manager, lead_officer=f"Officer {n}")
    first = history_of(client, manager, action_a)
    # 31 rows: 25 on page 1, whose oldest row diffs against a row that is on page 2.
    assert first.context["page_obj"].paginator.num_pages == 2
    assert changes_by_label(first.context["entries"][-1]) == {"Lead officer": ("Officer 4", "Officer 5")}
    second = client.get(reverse("board:action-history", args=[action_a.pk]), {"page": 2})
    entries = second.context["entries"]
    assert len(entries) == 6 and entries[-1].kind == "created"
    assert changes_by_label(entries[0]) == {"Lead officer": ("Officer 3", "Officer 4")}
    assert changes_by_label(entries[-2]) == {"Lead officer": ("Head of Safeguarding", "Officer 0")}
    html = second.content.decode()
    assert 'class="govuk-pagination"' in html and 'rel="prev"' in html and "page 2 of 2" in html


def test_a_page_number_out_of_range_shows_the_last_page(client, manager, action_a):
    response = history_of(client, manager, action_a)
    assert client.get(response.request["PATH_INFO"], {"page": "999"}).context["page_obj"].number == 1
    assert client.get(response.request["PATH_INFO"], {"page": "abc"}).status_code == 200


def test_the_breadcrumbs_lead_back_to_the_records(client, manager, action_a):
    response = history_of(client, manager, action_a)
    crumbs = response.context["breadcrumbs"]
    assert [label for label, _ in crumbs] == ["Dashboard", "Actions", "Action 1.1"]
    assert crumbs[0][1] == reverse("board:dashboard")
    assert 'aria-current="page">History<' in response.content.decode()


@pytest.mark.django_db
def test_the_engine_names_users_and_foreign_keys_without_a_query_per_row(
    manager, action_a, django_assert_max_num_queries
):
    for n in range(10):
        add_progress(action_a, manager, f"Update {n}")
    sources = [Source(ProgressUpdate.history.model)]
    rows = list(timeline(sources)[:10])
    # The page's rows with their predecessors, the authors, the actions: three queries for ten rows.
    with django_assert_max_num_queries(3):
        entries = entries_for(rows, sources)
    assert {changes_by_label(e)["Author"][1] for e in entries} == {manager.get_full_name()}
    assert {changes_by_label(e)["Action"][1] for e in entries} == {"1.1: Revise the visit template."}
