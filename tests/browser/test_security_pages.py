"""The security log and the lockout page in real Chromium: accessible, and they look right."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import axe_violations, screenshot, sign_in


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_the_lockout_page_is_generic_and_accessible(demo_board, page, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(page, "lead.csc", "not-the-password")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in paused"
    assert "lead.csc" not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "sign-in-locked-out")


def test_the_manager_reads_and_filters_the_security_log(demo_board, page):
    sign_in(page, "chair", "not-the-password")
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Security log").click()
    page.wait_for_url("**/audit/security/")
    assert page.get_by_role("cell", name="Sign-in failed").count() == 1
    assert axe_violations(page) == []
    screenshot(page, "security-log")
    page.get_by_label("Kind").select_option("sign_in_failed")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("cell", name="Signed in").count() == 0
    assert page.get_by_role("cell", name="Sign-in failed").count() == 1
    page.goto("/audit/security/?date_from=31/02/2026")  # a bookmarked or edited address: no date picker
    expect(page.get_by_text("There is a problem with the filters")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "security-log-filter-error")
