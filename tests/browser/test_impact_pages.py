"""The manager records a decision, reads a learning activity, the dashboard's impact figures and the annual pack;
each page at 1280 and 320 pixels wide, checked by axe."""

import subprocess

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from assurance.annual_report_files import write_annual_report
from assurance.models import AnnualReport
from conftest import run_queued_tasks
from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from reviews.models import LearningActivity, Recommendation
from tests.browser.conftest import SCREENSHOTS, axe_violations, screenshot, sign_in

SLUG = "nscp"  # the demo's children's partnership


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def both_widths(page, name: str) -> None:
    """Axe at the desktop width, then a screenshot at 1280 and at 320 pixels."""
    assert axe_violations(page) == []
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, f"{name}-320")
    assert page.evaluate("document.documentElement.scrollWidth") <= 330 or name.startswith("dashboard")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_manager_records_a_decision_and_reads_impact_and_learning(demo_board, page):
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", name="Completion, evidence and impact").is_visible()
    expect(page.get_by_role("heading", name="Impact evaluations overdue")).to_be_visible()
    page.locator("#impact").scroll_into_view_if_needed()
    both_widths(page, "dashboard-impact")

    rec = Recommendation.objects.get(review__slug="child-a", number="2.2")
    page.goto(f"/reviews/child-a/recommendations/{rec.pk}/edit/")
    page.get_by_label("Not accepted").check()
    page.get_by_role("button", name="Save recommendation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # reasons and date are required
    both_widths(page, "decision-form-errors")

    activity = LearningActivity.objects.get(title="Seven-minute briefing: Child A")
    page.goto(activity.get_absolute_url())
    expect(page.get_by_role("heading", name="Seven-minute briefing: Child A")).to_be_visible()
    both_widths(page, "learning-activity")
    page.get_by_role("link", name="History of the learning activity").click()
    expect(page.get_by_role("heading", name="History of the learning activity")).to_be_visible()
    both_widths(page, "learning-activity-history")

    page.goto("/reports/annual/")
    both_widths(page, "annual-report-form")


def test_the_annual_pack_is_prepared_and_its_first_pages_rendered(demo_board, page):
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    for file_format in ("pdf", "docx"):
        page.goto(f"/reports/annual/?year=2025&format={file_format}")
        expect(page.get_by_text("Your pack is being prepared")).to_be_visible()
        assert run_queued_tasks(write_annual_report) == 1  # the demo's plan prints wait: not this test's
        page.reload()
        expect(page.get_by_role("link", name=f"Download annual-report-{SLUG}-2025-26.{file_format}")).to_be_visible()
    both_widths(page, "annual-report-ready")
    pdf = AnnualReport.objects.get(format="pdf")
    path = SCREENSHOTS / "annual-report.pdf"
    path.write_bytes(bytes(pdf.content))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-l", "3", str(path), str(SCREENSHOTS / "annual-report-page")],
                   check=True)  # fmt: skip
