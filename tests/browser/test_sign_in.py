import pytest
from django.core.management import call_command

from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import axe_violations, screenshot, sign_in

PERSONAS = [
    ("manager", "Business manager"),
    ("chair", "Subgroup chair"),
    ("lead.csc", "Children's Social Care"),
    ("lead.police", "Northbridge Police"),
]


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("username, shows", PERSONAS)
def test_each_demo_persona_signs_in_and_sees_the_home_page(demo_board, page, username, shows):
    sign_in(page, username, DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    assert shows in page.content()
    screenshot(page, f"home-{username}")
    assert axe_violations(page) == []


def test_sign_in_page_is_accessible_and_rejects_a_wrong_password(demo_board, page):
    page.goto("/accounts/login/")
    assert axe_violations(page) == []
    screenshot(page, "sign-in")
    sign_in(page, "manager", "not-the-password")
    assert page.get_by_text("There is a problem").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "sign-in-error")
