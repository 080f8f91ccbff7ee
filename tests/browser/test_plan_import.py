"""The business manager imports the sample plan in the browser: upload, preview, confirm."""

import pytest
from playwright.sync_api import expect

from actions.models import Action
from lscb.board.plan_import.service import import_plan
from lscb.board.tests.plan_import_support import DATA, SAMPLE_NAME, sample_with
from reviews import roles
from reviews.models import PlanImport
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import ReviewFactory, UserFactory

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


@pytest.fixture
def child_a(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="manager", first_name="Morgan", role=roles.BUSINESS_MANAGER)
    return ReviewFactory(slug="child-a", subject="Child A", title="Child A: serious case review")


def test_the_manager_uploads_previews_and_confirms_the_sample_plan(child_a, page):
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/reviews/child-a/import/")
    assert page.get_by_role("heading", level=1).inner_text() == "Import a plan"
    screenshot(page, "plan-import-upload")
    assert axe_violations(page) == []

    page.get_by_label("Upload a plan file").set_input_files(str(DATA / SAMPLE_NAME))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", name="Check the import").wait_for()
    expect(page.get_by_text("8 agencies are new to the tracker")).to_be_visible()
    expect(page.get_by_text("15 to create")).to_be_visible()
    assert not Action.objects.exists()
    screenshot(page, "plan-import-preview")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Import this plan").click()
    page.get_by_text("Imported child-a-plan.csv: 14 recommendations created").wait_for()
    expect(page.get_by_role("table", name="Earlier imports into this review")).to_be_visible()
    assert Action.objects.filter(recommendation__review=child_a).count() == 15
    assert PlanImport.objects.get().imported_by.username == "manager"
    screenshot(page, "plan-import-result")
    assert axe_violations(page) == []


def test_a_changed_file_previews_its_updates_old_and_new(child_a, page, tmp_path):
    import_plan(child_a, (DATA / SAMPLE_NAME).read_bytes(), SAMPLE_NAME, None)
    changed = tmp_path / "child-a-plan-v2.csv"
    changed.write_bytes(sample_with(6, "status", "Completed"))
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/reviews/child-a/import/")
    page.get_by_label("Upload a plan file").set_input_files(str(changed))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", name="Check the import").wait_for()
    expect(page.get_by_text("0 to create, 1 to update, 14 unchanged")).to_be_visible()
    (change,) = page.locator("li", has_text="Status:").all()
    assert change.inner_text().split() == ["Status:", "In", "progress", "→", "changes", "to", "Completed"]
    screenshot(page, "plan-import-preview-update")
    assert axe_violations(page) == []


def test_a_bad_file_shows_its_problems_accessibly(child_a, page, tmp_path):
    bad = tmp_path / "bad-plan.csv"
    bad.write_bytes(sample_with(9, "due_date", "31/02/2026").replace(b"Not started", b"Parked"))
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/reviews/child-a/import/")
    page.get_by_label("Upload a plan file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_text("bad-plan.csv cannot be imported").wait_for()
    assert page.get_by_role("link", name='Row 9, column due_date: "31/02/2026" is not a date').count() == 1
    screenshot(page, "plan-import-errors")
    assert axe_violations(page) == []
    assert not Action.objects.exists()
