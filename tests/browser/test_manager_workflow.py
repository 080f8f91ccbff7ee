"""The business manager's day in real Chromium: filter, change a status, add progress.

Every page of issue 3 is scanned with axe-core (WCAG 2.2 AA tags) and
screenshotted to var/screenshots/manager-*.png.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.choices import ActionStatus
from actions.models import Action
from reviews import roles
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"


@pytest.fixture
def board(transactional_db):
    manager = UserFactory(username="manager", first_name="Morgan", last_name="Hale", role=roles.BUSINESS_MANAGER)
    police = AgencyFactory(name="Northbridge Police", short_name="Police")
    csc = AgencyFactory(name="Children's Social Care", short_name="CSC")
    ThemeFactory(name="Information sharing")
    review = ReviewFactory(slug="child-b", subject="Child B", title="Child B: child safeguarding practice review")
    today = timezone.localdate()
    rows = [
        (csc, "1.1", "Revise the home visit template.", ActionStatus.IN_PROGRESS, today + datetime.timedelta(days=90)),
        (
            csc,
            "1.2",
            "Audit records of the child's voice.",
            ActionStatus.NOT_STARTED,
            today - datetime.timedelta(days=5),
        ),
        (police, "2.1", "Amend the domestic abuse triage checklist.", ActionStatus.IN_PROGRESS, today),
        (None, "3.1", "Run a multi-agency learning event.", ActionStatus.COMPLETED, None),
    ]
    for agency, number, description, status, due in rows:
        rec = RecommendationFactory(review=review, agency=agency, number=number, text=f"Recommendation {number}.")
        ActionFactory(recommendation=rec, description=description, status=status, due_date=due)
    return {"manager": manager, "review": review}


def check(page, name: str) -> None:
    screenshot(page, f"manager-{name}")
    assert axe_violations(page) == [], name


def test_manager_filters_changes_a_status_and_adds_progress(board, page):
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/actions/")
    check(page, "action-list")

    page.get_by_label("In progress").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/actions/?*status=in_progress*")
    expect(page.get_by_role("heading", name="In progress: 2 actions")).to_be_visible()
    check(page, "action-list-filtered")

    page.get_by_role("link", name="Revise the home visit template.").click()
    page.wait_for_url("**/actions/*/")
    check(page, "action-page")

    page.get_by_role("link", name="Change the status").click()
    page.get_by_label("On hold", exact=True).check()
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check(page, "status-reason-missing")
    page.get_by_label("Why is the action on hold?").fill("Waiting for the new case recording system.")
    page.get_by_label("Note for the history (optional)").fill("Agreed at the March subgroup")
    page.get_by_role("button", name="Save status").click()
    page.wait_for_url("**/actions/*/")
    expect(page.get_by_text("Status changed to On hold.")).to_be_visible()
    expect(page.locator("#action-status").get_by_text("On hold")).to_be_visible()
    expect(page.get_by_text("Waiting for the new case recording system.")).to_be_visible()

    page.get_by_role("link", name="Add a progress update").click()
    check(page, "progress-form")
    page.get_by_label("What has been done").fill("Draft template tested with two teams.")
    page.get_by_role("button", name="Add update").click()
    page.wait_for_url("**/actions/*/")
    expect(page.get_by_text("Progress update added.")).to_be_visible()
    assert (
        page.locator("#progress-updates ~ div").first.get_by_text("Draft template tested with two teams.").is_visible()
    )
    check(page, "action-page-after")

    action = Action.objects.get(description="Revise the home visit template.")
    assert action.status == ActionStatus.ON_HOLD and action.progress == "Draft template tested with two teams."
    history = list(action.history.all()[:2])
    assert [h.history_user.username for h in history] == ["manager", "manager"]
    assert history[1].status == ActionStatus.ON_HOLD
    assert history[1].history_change_reason == "Agreed at the March subgroup"
    assert history[0].progress == "Draft template tested with two teams."


def test_every_manager_page_passes_axe(board, page):
    review = board["review"]
    rec = review.recommendations.get(number="1.1")
    action = rec.actions.get()
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/dashboard/")
    pages = {
        "review-list": "/reviews/",
        "review-create": "/reviews/new/",
        "review-page": f"/reviews/{review.slug}/",
        "review-edit": f"/reviews/{review.slug}/edit/",
        "recommendation-page": f"/reviews/{review.slug}/recommendations/{rec.pk}/",
        "recommendation-create": f"/reviews/{review.slug}/recommendations/new/",
        "recommendation-edit": f"/reviews/{review.slug}/recommendations/{rec.pk}/edit/",
        "action-create": f"/actions/new/{rec.pk}/",
        "action-edit": f"/actions/{action.pk}/edit/",
        "status-form": f"/actions/{action.pk}/status/",
        "action-list-invalid": "/actions/?status=finished&due_after=2026-13-40&agency=x",
    }
    for name, url in pages.items():
        page.goto(url)
        check(page, name)
    page.goto(f"/reviews/{review.slug}/recommendations/new/")
    page.get_by_label("Number").fill("1.1")
    page.get_by_role("button", name="Add recommendation").click()
    expect(page.get_by_text("Recommendation 1.1 already exists in this review").first).to_be_visible()
    check(page, "recommendation-errors")
    page.goto("/reviews/new/")
    page.get_by_role("button", name="Add review").click()
    check(page, "review-errors")
