"""The meeting pack in the browser (issue 16): the subgroups and meetings pages, the pack's form, and the pack."""

import shutil
import subprocess

import pytest
from django.core.management import call_command

from conftest import assert_accessible_pdf, run_queued_tasks
from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from lscb.board.meeting_pack_files import write_meeting_pack
from tests.browser.conftest import SCREENSHOTS, axe_violations, screenshot, sign_in


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


WIDEST = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth)
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def at_both_widths(page, name: str, axe: bool = True) -> None:
    """Screenshots at 1280 and 320 px; at 320 the document never scrolls sideways (WCAG 1.4.10)."""
    assert not axe or axe_violations(page) == []
    screenshot(page, name)
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, f"{name}-320")
    wide = page.evaluate(WIDEST)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (name, wide)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_manager_prepares_the_meeting_pack_for_the_next_meeting(demo_board, page):
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Meetings").first.click()
    page.wait_for_url("**/assurance/subgroups/")
    at_both_widths(page, "meetings-subgroups")
    page.get_by_role("link", name="Case Review Subgroup").click()
    at_both_widths(page, "meetings-subgroup")
    page.get_by_role("link", name="Add a meeting").click()
    at_both_widths(page, "meetings-meeting-form")
    page.go_back()
    page.get_by_role("link", name="Meeting pack").nth(1).click()  # newest first: the next meeting is the second
    at_both_widths(page, "meetings-pack-form")
    page.get_by_role("button", name="Prepare the meeting pack").click()
    page.wait_for_url("**/meetings/packs/*/")
    assert "being prepared" in page.content()
    # The product's "being prepared" pages reload themselves (a meta refresh, as every print's), which axe flags.
    at_both_widths(page, "meetings-pack-preparing", axe=False)
    assert run_queued_tasks(write_meeting_pack) == 1  # the demo's plan prints wait: not this test's
    page.reload()
    at_both_widths(page, "meetings-pack-ready")
    href = page.get_by_role("link", name="Open the meeting pack (PDF)").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    pdf = response.body()
    title = page.locator("h1").inner_text().replace("Meeting pack for ", "")
    assert_accessible_pdf(pdf, f"Meeting pack: Case Review Subgroup, {title}")
    path = SCREENSHOTS / "meeting-pack.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(path), str(SCREENSHOTS / "meeting-pack-page")],
        check=True,
    )
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Changed since the last meeting" in text and "→" in text
    shots = SCREENSHOTS.parent / "meeting-shots"
    shots.mkdir(exist_ok=True)
    for png in SCREENSHOTS.glob("meeting*.png"):
        shutil.copy(png, shots)


def test_a_lead_has_no_meetings_link_and_is_refused_the_list(demo_board, page):
    sign_in(page, "lead.csc", DEMO_PASSWORD)
    page.wait_for_url("**/*")
    assert page.get_by_role("link", name="Meetings").count() == 0
    assert page.request.get("/assurance/subgroups/").status == 403
