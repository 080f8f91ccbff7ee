"""Slippage (DESIGN.md §10): the register's next milestone, the dashboard's "Reviews and deadlines" panel, whose
figures open lists holding exactly the reviews counted, and the business manager's daily milestone reminder."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from reviews import clocks
from reviews.models import Milestone, Review, refresh_milestones
from tests.factories import RecommendationFactory, ReviewFactory
from tests.queue import worked


@pytest.fixture
def deadlines(agency_a, agency_b):
    """Three rapid reviews: one overdue (and one milestone due soon), one due soon, one far off; agency A's lead
    sees the first only."""
    today = timezone.localdate()
    late = ReviewFactory(kind=Review.Kind.RAPID, slug="rr-late", aware_on=clocks.add_working_days(today, -10))
    soon = ReviewFactory(kind=Review.Kind.RAPID, slug="rr-soon", aware_on=clocks.add_working_days(today, -2))
    later = ReviewFactory(kind=Review.Kind.CSPR, slug="cspr-later", decision_on=today)
    RecommendationFactory(review=late, agency=agency_a, number="1")
    RecommendationFactory(review=soon, agency=agency_b, number="1")
    for review in (late, soon, later):
        refresh_milestones(review)
    return {"late": late, "soon": soon, "later": later}


def panel(html: str) -> dict[str, int]:
    return {
        url.replace("&amp;", "&"): int(n) for url, n in re.findall(r'href="([^"]*deadline=[^"]*)"><strong>(\d+)', html)
    }


@pytest.mark.parametrize("persona", ["manager", "chair"])
def test_each_deadline_figure_opens_a_list_of_exactly_the_reviews_counted(client, personas, deadlines, persona):
    client = client_for(client, personas[persona])
    figures = panel(client.get(reverse("board:dashboard")).content.decode())
    assert figures == {"/reviews/?deadline=overdue": 1, "/reviews/?deadline=due": 2}
    for url, count in figures.items():
        listed = client.get(url).context["paginator"].object_list
        assert len(listed) == count
    assert [r.slug for r in client.get("/reviews/?deadline=overdue").context["paginator"].object_list] == ["rr-late"]


def test_an_agency_lead_has_no_deadlines_panel(client, lead_a, deadlines):
    html = client_for(client, lead_a).get(reverse("board:dashboard")).content.decode()
    assert "Reviews and deadlines" not in html and not panel(html)


def test_a_bad_deadline_filter_is_reported_and_lists_nothing(client, manager, deadlines):
    response = client_for(client, manager).get("/reviews/?deadline=yesterday")
    assert response.context["paginator"].count == 0
    assert "Select overdue or due in the next 20 working days" in response.content.decode()


def test_the_register_and_review_page_show_the_next_milestone_and_its_state(client, manager, deadlines):
    client = client_for(client, manager)
    rows = {review.slug: milestone for review, _progress, milestone in client.get("/reviews/").context["rows"]}
    assert rows["rr-late"].rule.key == "notify_panel" and rows["rr-late"].state == Milestone.State.OVERDUE
    assert rows["rr-soon"].state == Milestone.State.DUE_SOON
    assert rows["cspr-later"].rule.key == "final_report" and rows["cspr-later"].state == Milestone.State.ON_TIME
    html = client.get(reverse("board:review", args=["rr-late"])).content.decode()
    assert "Next milestone" in html and "Notify the national Panel" in html and "Overdue" in html


def test_the_business_manager_is_reminded_daily_of_milestones_due_soon_or_overdue(manager, lead_a, deadlines):
    out = StringIO()
    with worked():
        call_command("send_reminders", stdout=out)
    to_manager = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(to_manager) == 1 and "milestones" in to_manager[0].subject
    body = to_manager[0].body
    assert "Overdue:" in body and "Notify the national Panel" in body
    assert "Due within five working days:" in body and "Final report" not in body  # six months off
    assert not [m for m in mail.outbox if m.to == [lead_a.email] and "milestones" in m.subject]
    mail.outbox.clear()
    with worked():
        call_command("send_reminders", stdout=StringIO())
    assert not [m for m in mail.outbox if m.to == [manager.email]]  # once a day
