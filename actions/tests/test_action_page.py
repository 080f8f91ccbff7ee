"""The action page prints values the one way (lscb/platform/values.py): "(none)" for nothing,
31/03/2026 in its summary list, 31 March 2026 in the headings of progress updates."""

import datetime

from django.urls import reverse

from actions.models import ProgressUpdate
from conftest import client_for


def summary_value(html: str, key: str) -> str:
    start = html.index(f'<dt class="govuk-summary-list__key">{key}</dt>')
    value = html.index('<dd class="govuk-summary-list__value">', start) + len('<dd class="govuk-summary-list__value">')
    return html[value : html.index("</dd>", value)]


def test_empty_values_print_none_and_dates_print_short_in_the_summary(client, manager, action_a):
    action_a.lead_officer, action_a.due_date = "", datetime.date(2026, 3, 31)
    action_a.save()
    html = client_for(client, manager).get(reverse("actions:detail", args=[action_a.pk])).content.decode()
    assert summary_value(html, "Lead officer") == "(none)"
    assert summary_value(html, "Due date").startswith("31/03/2026")
    assert summary_value(html, "Completion date") == "(none)"


def test_a_progress_update_is_headed_by_its_date_in_full(client, manager, action_a):
    ProgressUpdate.objects.create(
        action=action_a, text="Audit done.", written_on=datetime.date(2026, 12, 1), author=manager
    )
    html = client_for(client, manager).get(reverse("actions:detail", args=[action_a.pk])).content.decode()
    assert ">1 December 2026</h3>" in html
