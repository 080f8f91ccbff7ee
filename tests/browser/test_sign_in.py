import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import axe_violations, screenshot, sign_in

# Who signs in, what their home page names, and where they land: leads on their own work queue.
PERSONAS = [
    ("manager", "Business manager", "/dashboard/"),
    ("chair", "Subgroup chair", "/dashboard/"),
    ("lead.csc", "Children's Social Care", "/assurance/my-agency/"),
    ("lead.police", "Northbridge Police", "/assurance/my-agency/"),
]


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("username, shows, home", PERSONAS)
def test_each_demo_persona_signs_in_and_sees_the_home_page(demo_board, page, username, shows, home):
    sign_in(page, username, DEMO_PASSWORD)
    page.wait_for_url(f"**{home}")
    heading = "Dashboard" if home == "/dashboard/" else "Your agency's actions"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert shows in page.content()
    screenshot(page, f"home-{username}")
    assert axe_violations(page) == []


def test_sign_in_page_is_accessible_and_rejects_a_wrong_password(demo_board, page):
    page.goto("/accounts/login/")
    assert axe_violations(page) == []
    screenshot(page, "sign-in")
    sign_in(page, "manager", "not-the-password")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "sign-in-error")
