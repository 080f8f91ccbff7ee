"""Every page's header names the board, the service and who is signed in, with "Sign out" beside the name."""

import pytest
from django.core.management import call_command

from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import axe_violations, screenshot, sign_in


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("width", [1280, 320])
def test_the_header_names_the_service_and_the_person_with_sign_out_on_the_same_row(demo_board, page, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, "manager", DEMO_PASSWORD)  # the manager has the longest menu
    page.wait_for_url("**/dashboard/")
    for path in ("/dashboard/", "/actions/", "/reviews/child-b/"):
        page.goto(path)
        header = page.get_by_role("banner")
        assert "Northbridge Safeguarding Children Partnership" in header.inner_text()
        assert "Serious case review action tracker" in header.inner_text()
        name = header.locator(".lscb-header__user")
        assert name.inner_text() == "Signed in as Morgan Hale" or name.text_content() == "Signed in as Morgan Hale"
        sign_out = header.get_by_role("button", name="Sign out")
        name_box, button_box = name.bounding_box(), sign_out.bounding_box()
        assert abs(name_box["y"] - button_box["y"]) < 8, (path, name_box, button_box)  # one row, side by side
        assert button_box["x"] + button_box["width"] <= width
    screenshot(page, f"header-{width}")
    assert axe_violations(page) == []
