"""Filtered lists fold their filter panel away and say in words what they show, so the rows are above the fold."""

from collections import Counter

import pytest
from django.core.management import call_command

from actions.models import Action
from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from reviews.models import Review
from tests.browser.conftest import axe_violations, screenshot, sign_in


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_the_action_list_folds_its_filters_and_says_what_it_shows(demo_board, page):
    # The agency with the most overdue actions on the manager's board (its own reviews and joint ones).
    by_agency = Counter(
        Action.objects.filter(review__board__slug="nscp").overdue().values_list("agency__name", flat=True)
    )
    agency = by_agency.most_common(1)[0][0]
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/actions/")
    panel = page.locator("details.lscb-filter-details")
    assert panel.get_attribute("open") is not None  # nothing chosen yet: the panel is open
    page.get_by_text("Agencies", exact=True).click()
    page.get_by_label(agency, exact=True).check()
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/actions/?*overdue=1*")

    assert panel.get_attribute("open") is None
    overdue = page.locator("main table tbody tr").count()  # one page of them
    assert overdue > 1 and page.locator("#action-count").inner_text() == f"{agency}, overdue: {overdue} actions"
    first_row = page.locator("main table tbody tr").first.bounding_box()
    assert first_row["y"] + first_row["height"] < page.viewport_size["height"]  # above the fold
    screenshot(page, "action-list-filtered-summary")
    assert axe_violations(page) == []

    page.get_by_text("Change the filters").click()  # the panel opens again, with the choices kept
    assert page.get_by_label("Overdue only").is_checked()


def test_the_review_register_folds_its_filters_and_says_what_it_shows(demo_board, page):
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/reviews/")
    page.get_by_text("Filter reviews").click()
    page.get_by_label("Published", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/reviews/?*status=published*")

    assert page.locator("main details").first.get_attribute("open") is None
    rows = page.locator("main table tbody tr").count()
    noun = "review" if rows == 1 else "reviews"
    assert page.locator("main table caption").inner_text().startswith(f"Published: {rows} {noun}")
    assert Review.objects.filter(status=Review.Status.PUBLISHED).count() >= rows > 0
    screenshot(page, "review-register-filtered-summary")
    assert axe_violations(page) == []
