"""The one field diff (lscb/platform/diff.py): how a changed value is printed on the History pages,
in the stale-edit message and in the plan import preview."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Action
from lscb.platform import diff, values


def field(name: str):
    return Action._meta.get_field(name)


def test_empty_values_print_none():
    assert diff.display(field("lead_officer"), "") == "(none)"
    assert diff.display(field("due_date"), None) == "(none)"


def test_dates_and_moments_print_short_and_local():
    assert diff.display(field("due_date"), datetime.date(2026, 3, 31)) == "31/03/2026"
    summer = timezone.make_aware(datetime.datetime(2026, 7, 1, 13, 5), datetime.UTC)
    assert diff.display(field("updated_at"), summer) == "01/07/2026 14:05"  # Europe/London


def test_a_choice_prints_its_label():
    assert diff.display(field("status"), "on_hold") == "On hold"


@pytest.mark.django_db
def test_a_related_record_prints_its_name_or_says_it_is_gone(agency_a):
    related = {type(agency_a): {agency_a.pk: agency_a}}
    assert diff.display(field("agency"), agency_a.pk, related) == str(agency_a)
    assert diff.display(field("agency"), 999, related) == "Agency 999 (no longer exists)"


def test_a_set_change_lists_what_was_added_and_removed():
    change = diff.set_change("Themes", ["Supervision", "Voice of the child"], ["Voice of the child", "Neglect"])
    assert (change.before, change.after) == ("Supervision, Voice of the child", "Neglect, Voice of the child")
    assert (change.added, change.removed) == (["Neglect"], ["Supervision"])


def test_a_change_with_no_user_was_made_by_the_system():
    assert diff.display_user(None) == values.SYSTEM == "the action tracker"
