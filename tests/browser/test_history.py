"""The manager reads an action's history and the board's change log in real Chromium."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.choices import ActionStatus
from lscb.board.tests.history_data import add_progress, change_action
from tests.browser.conftest import axe_violations, fill_date, screenshot, sign_in
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
    UserFactory,
    make_lead,
)

PASSWORD = "correct-horse-battery"


@pytest.fixture
def board(transactional_db):
    """A small fictional board whose changes were made by named people (`_history_user`)."""
    manager = UserFactory(username="manager", first_name="Morgan", last_name="Ellis", role="Business manager")
    lead = UserFactory(username="lead.csc", first_name="Sam", last_name="Okafor", role="Agency lead")
    social_care = AgencyFactory(name="Northbridge Children's Social Care", short_name="CSC")
    police = AgencyFactory(name="Northbridge Police", short_name="Police")
    make_lead(lead, social_care)
    review = ReviewFactory(slug="child-d", subject="Child D", title="Child D: serious case review")
    recommendation = RecommendationFactory(
        review=review, agency=social_care, number="6.4", text="Children's social care should see the child alone."
    )
    recommendation._history_user = manager
    recommendation.themes.add(ThemeFactory(name="Voice of the child"))
    action = ActionFactory(
        recommendation=recommendation, description="Revise the home visit template to record the child's view."
    )
    change_action(action, manager, reason="Agreed at the case review subgroup", status=ActionStatus.COMPLETED)
    add_progress(action, lead, "Template revised and issued to all teams.", when=datetime.date(2026, 2, 3))
    change_action(
        action,
        manager,
        status=ActionStatus.EVIDENCED,
        due_date=datetime.date(2026, 3, 31),
        agency=police,
        progress="Audit of 20 case files shows the child's view recorded in 18.",
    )
    return action


def test_manager_reads_an_action_history_and_the_change_log(board, page):
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(reverse("board:action-history", args=[board.pk]))
    assert page.get_by_role("heading", level=1).inner_text() == "History of action 6.4"
    newest = page.locator("section.lscb-history-entry").first
    assert newest.get_by_role("heading").inner_text() == "Action changed"
    status_row = newest.get_by_role("row", name="Status")
    assert "Completed" in status_row.inner_text() and "Completed and evidenced" in status_row.inner_text()
    assert "31/03/2026" in newest.inner_text() and "Northbridge Police" in newest.inner_text()
    expect(page.get_by_role("heading", name="Progress update created")).to_be_visible()
    expect(page.get_by_text("Note: Agreed at the case review subgroup")).to_be_visible()
    screenshot(page, "history-action")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Change log").click()
    page.wait_for_url("**/audit/")
    assert page.get_by_role("heading", level=1).inner_text() == "Change log"
    screenshot(page, "audit")
    assert axe_violations(page) == []

    page.get_by_label("Kind of record").select_option(label="Progress update")
    page.get_by_role("button", name="Apply filters").click()
    rows = page.locator("table.lscb-audit-table tbody tr")
    assert rows.count() == 1 and "Sam Okafor" in rows.first.inner_text()
    screenshot(page, "audit-filtered")
    assert axe_violations(page) == []

    fill_date(page, "From", "31", "2", "2026")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert page.locator("table.lscb-audit-table").count() == 0
    screenshot(page, "audit-error")
    assert axe_violations(page) == []


def test_recommendation_history_shows_themes(board, page):
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/dashboard/")
    recommendation = board.recommendation
    page.goto(reverse("board:recommendation-history", args=[recommendation.review.slug, recommendation.pk]))
    expect(page.get_by_text("Added: Voice of the child")).to_be_visible()
    screenshot(page, "history-recommendation")
    assert axe_violations(page) == []
