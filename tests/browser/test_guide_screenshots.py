"""The user guide's journeys (docs/user-guide.md), walked in real Chromium on the demo board.

Each role's weekly journeys, step by step, asserting what the guide says the person sees. With
LSCB_GUIDE_SHOTS set to a folder (relative to the repository, e.g. `docs/guide/img`), every step named in the
guide also writes its screenshot there, 1280 px wide, so the guide's pictures are made by the same walk that
tests them and never go stale:

    LSCB_GUIDE_SHOTS=docs/guide/img .venv/bin/python -m pytest -q tests/browser/test_guide_screenshots.py

Unset, the journeys still run and assert; nothing is written.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from reviews.models import Review, refresh_milestones
from tests.browser.conftest import ROOT, fill_date, sign_in

WIDTH, HEIGHT = 1280, 800


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    for review in Review.objects.all():
        refresh_milestones(review)


def shot(page, name: str) -> None:
    """The step's picture for the guide, when asked for: the window as the person sees it, 1280 px wide,
    reduced to 256 colours (GOV.UK pages use a handful) so the repository stays small."""
    folder = os.environ.get("LSCB_GUIDE_SHOTS")
    if not folder:
        return
    from PIL import Image

    target = (ROOT / folder) if not Path(folder).is_absolute() else Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    image = Image.open(io.BytesIO(page.screenshot(full_page=False))).convert("RGB")
    assert image.width == WIDTH
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target / f"{name}.png", optimize=True)


def start(page, username: str) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    sign_in(page, username, DEMO_PASSWORD)
    page.wait_for_url("**/*/")


def heading(page, name: str) -> None:
    # expect() waits for the heading: after a click the next page may still be loading, and is_visible()
    # answers at once (CI once read the page before the evidence form had arrived).
    expect(page.get_by_role("heading", name=name).first).to_be_visible()


def test_business_manager_journeys(demo, page):
    start(page, "manager")
    # 1. Start the week on the dashboard.
    page.goto("/dashboard/")
    heading(page, "Reviews and deadlines")
    shot(page, "manager-1-dashboard")
    # 2. Find the overdue actions and record what changed.
    page.goto("/actions/?overdue=1")
    assert re.fullmatch(r"Overdue: \d+ actions?", page.locator("#action-count").inner_text().strip())
    page.locator("#action-count").scroll_into_view_if_needed()
    shot(page, "manager-2-overdue-actions")
    page.locator("table a.govuk-link[href^='/actions/']").first.click()
    page.wait_for_url("**/actions/*/")
    expect(page.get_by_role("link", name="Change the status")).to_be_visible()
    shot(page, "manager-3-action")
    # 3. Record a review's milestone.
    page.goto("/reviews/child-b/#milestones")
    heading(page, "Milestones")
    page.locator("#milestones").scroll_into_view_if_needed()
    shot(page, "manager-4-milestones")
    # 4. Chase the agencies that have not answered.
    page.goto("/assurance/requests/")
    heading(page, "Assurance requests")
    page.locator("main table").evaluate(
        "table => table.scrollIntoView({block: 'center'})"
    )  # the requests, not the header
    shot(page, "manager-5-requests")


def test_agency_lead_journeys(demo, page):
    start(page, "lead.csc")
    # 1. See what your agency owes the board.
    page.goto("/assurance/my-agency/")
    expect(page.get_by_text("Children's Social Care").first).to_be_visible()
    shot(page, "lead-1-my-agency")
    # 2. Add a progress update to one of your actions.
    page.goto("/actions/")
    page.locator("table a.govuk-link[href^='/actions/']").first.click()
    page.wait_for_url("**/actions/*/")
    action_url = page.url
    page.get_by_role("link", name="Add a progress update").click()
    today = timezone.localdate()
    fill_date(page, "Date of this update", str(today.day), str(today.month), str(today.year))
    page.get_by_label("What has been done").fill("Template revised and briefed to team managers.")
    shot(page, "lead-2-progress")
    page.get_by_role("button", name="Add update").click()
    page.wait_for_url(action_url)
    assert page.get_by_text("Template revised and briefed").first.is_visible()
    # 3. Upload evidence for it.
    page.get_by_role("link", name="Upload evidence").click()
    page.wait_for_url("**/evidence/new/")
    heading(page, "Upload evidence")
    shot(page, "lead-3-evidence")
    # A lead sees nothing of other agencies: the register lists only reviews that concern theirs.
    page.goto("/reviews/")
    expect(page.get_by_text("that you can see")).to_be_visible()


def test_subgroup_chair_journeys(demo, page):
    start(page, "chair")
    # 1. Prepare the subgroup: the red actions, ready to print or download.
    page.goto("/actions/?rag=red")
    assert re.search(r"\bred\b.*: \d+ actions?$", page.locator("#action-count").inner_text().strip(), re.I)
    expect(page.get_by_role("link", name="PDF for printing")).to_be_visible()
    page.locator("#action-count").scroll_into_view_if_needed()
    shot(page, "chair-1-red-actions")
    # 2. Read a review's plan and print it.
    page.goto("/reviews/child-b/")
    heading(page, "Child B: child safeguarding practice review")
    shot(page, "chair-2-review")
    # 3. The register, and the NHS Case Review Tracker's fields for the designated professionals.
    page.goto("/reviews/")
    expect(page.get_by_role("link", name="download the tracker's fields")).to_be_visible()
    page.get_by_role("link", name="download the tracker's fields").scroll_into_view_if_needed()
    shot(page, "chair-3-register")


def test_independent_scrutineer_journeys(demo, page):
    start(page, "scrutineer")
    # 1. What changed this week: the change log.
    page.goto("/audit/")
    heading(page, "Change log")
    shot(page, "scrutineer-1-change-log")
    # 2. Challenge events and what agencies answered.
    page.goto("/assurance/challenges/")
    heading(page, "Challenge events")
    shot(page, "scrutineer-2-challenges")
    # 3. The annual report pack, for the scrutineer's evaluation.
    page.goto("/reports/annual/")
    heading(page, "Annual report")
    shot(page, "scrutineer-3-annual-report")
    # 4. The reporting API's tokens (Power BI): docs/power-bi.md.
    page.goto("/accounts/api-tokens/")
    heading(page, "API tokens")
    shot(page, "power-bi-1-tokens")
