"""The review's milestones in real Chromium: the review page, the register and the milestone list, accessible at 1280
and 320 px."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from reviews import clocks
from reviews.models import Board, Review, refresh_milestones
from tests.browser.conftest import axe_violations, fill_date, screenshot, sign_in


@pytest.fixture
def board_with_clocks(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    today = timezone.localdate()
    rapid = Review.objects.create(
        board=Board.objects.get(slug="nscp"),  # the demo manager's own board, the one in view
        kind=Review.Kind.RAPID,
        reference="RR 2026/09",
        slug="rr-2026-09",
        subject="Child T",
        title="Child T: rapid review",
        aware_on=clocks.add_working_days(today, -7),
        ofsted_reference="NOT-A-REAL-REF-1",
    )
    for review in Review.objects.all():
        refresh_milestones(review)
    return rapid


@pytest.mark.parametrize("width", [1280, 320])
def test_the_review_page_and_register_show_milestones_accessibly(board_with_clocks, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", name="Reviews and deadlines").is_visible()
    page.goto("/reviews/rr-2026-09/")
    expect(page.get_by_role("heading", name="Milestones")).to_be_visible()
    expect(page.get_by_text("Overdue").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, f"review-milestones-{width}")
    page.goto("/reviews/")
    expect(page.get_by_role("columnheader", name="Next milestone")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, f"review-register-milestones-{width}")
    page.goto("/calendar/")
    page.get_by_role("button", name="Make my calendar address").click()
    assert page.get_by_label("Your calendar's address").input_value().endswith(".ics")
    assert axe_violations(page) == []
    screenshot(page, f"calendar-{width}")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_manager_loads_review_dates_from_a_register_file(board_with_clocks, page, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/reviews/adult-d/?board=nsab")
    expect(page.get_by_text("Mandatory (Care Act 2014 s44(1))").first).to_be_visible()
    page.goto("/reviews/child-g/?board=nscp")
    expect(page.get_by_text("Response sent to the coroner").first).to_be_visible()
    screenshot(page, f"review-coroner-{width}")
    page.goto("/reviews/")
    page.get_by_role("link", name="Load reviews from a register file").click()
    assert axe_violations(page) == []
    screenshot(page, f"register-import-{width}")
    register = tmp_path / "register.csv"
    register.write_text(
        "Web address name,Reference,Title,Subject,Kind,Status,NHS StEIS reference,Date signed off\n"
        "child-f,RR 2026/02,,,,,DEMO/77777,\n"
        ",CSPR 2026/07,Child K: child safeguarding practice review,Child K,Child safeguarding practice review,"
        "In progress,,\n"
    )
    page.get_by_label("Upload a register file").set_input_files(str(register))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="Check the changes")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, f"register-import-preview-{width}")
    page.get_by_role("button", name="Load these changes").click()
    expect(page.get_by_text("1 review added, 1 updated")).to_be_visible()
    assert Review.objects.get(slug="child-f").steis_reference == "DEMO/77777"
    assert Review.objects.get(slug="cspr-2026-07").board.slug == "nscp"


def _sideways(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_milestone_list_is_filtered_by_state_and_date_due(board_with_clocks, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/reviews/")
    page.get_by_role("link", name="Milestones across these reviews").click()
    expect(page.get_by_role("heading", name="Milestones", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Child T: rapid review").first).to_be_visible()
    assert axe_violations(page) == [] and _sideways(page) == 0
    screenshot(page, f"milestone-list-{width}")
    page.get_by_text("Filter milestones").click()
    page.get_by_label("Overdue").check()
    today = timezone.localdate()
    fill_date(page, "Due on or after", "1", "1", str(today.year - 1))
    page.get_by_role("button", name="Apply filters").click()
    caption = page.locator("caption").inner_text()
    assert caption.startswith(f"Overdue, due on or after 1 January {today.year - 1}: ")
    assert page.locator("tbody .govuk-tag").all_inner_texts() and {
        tag.strip() for tag in page.locator("tbody .govuk-tag").all_inner_texts()
    } == {"Overdue"}
    assert axe_violations(page) == [] and _sideways(page) == 0
    screenshot(page, f"milestone-list-filtered-{width}")
    page.goto("/milestones/?due_after=31/02/2026")
    expect(page.get_by_role("link", name="Due on or after must be a real date")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, f"milestone-list-error-{width}")
