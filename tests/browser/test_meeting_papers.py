"""Meeting papers in the browser (issue 16): the extract links on a review's page, the dashboard's print."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from actions.models import Action
from actions.plan.ready import print_review
from conftest import assert_accessible_pdf, run_queued_tasks
from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from reviews.models import Review
from tests.browser.conftest import SCREENSHOTS, axe_violations, screenshot, sign_in


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def fetch(page, url: str) -> tuple[int, bytes]:
    """GET `url` with the page's session (the PDF viewer would swallow a navigation)."""
    response = page.request.get(url)
    return response.status, response.body()


def test_the_chair_finds_each_agencys_extract_on_the_review_page_and_prints_one(demo_board, page):
    sign_in(page, "chair", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/reviews/child-a/")
    links = page.get_by_role("link", name="extract of the action plan")
    agencies = Action.objects.filter(recommendation__review__slug="child-a").values("agency").distinct().count()
    assert links.count() == agencies > 1
    screenshot(page, "review-extract-links-chair")
    assert axe_violations(page) == []
    first = links.first
    name = re.split(r"'s? extract", first.inner_text().removeprefix("Print "))[0]
    # The worker prints the plan the demo's changes queued (DESIGN.md §13); the other reviews' wait.
    assert run_queued_tasks(print_review, [Review.objects.get(slug="child-a").pk]) == 1
    status, pdf = fetch(page, first.get_attribute("href"))
    assert status == 200
    assert_accessible_pdf(pdf, f"Child A action plan: extract for {name}")
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, "review-extract-links-chair-320")


def test_a_lead_sees_a_link_to_their_own_extract_only(demo_board, page):
    sign_in(page, "lead.csc", DEMO_PASSWORD)
    page.wait_for_url("**/*")
    page.goto("/reviews/child-a/")
    links = page.get_by_role("link", name="extract of the action plan")
    assert links.count() == 1 and "Children's Social Care" in links.first.inner_text()
    assert page.get_by_role("link", name="Print the action plan").count() == 0
    screenshot(page, "review-extract-links-lead")
    assert axe_violations(page) == []


def pdf_pages(pdf: Path) -> list[str]:
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def test_the_dashboard_prints_on_a4_landscape_with_the_marking_on_every_page(demo_board, page, settings):
    import subprocess

    sign_in(page, "chair", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    pdf = SCREENSHOTS / "dashboard-print.pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    assert size[-1] == "(A4)" and float(size[2]) > float(size[4]), "A4 landscape"
    pages = pdf_pages(pdf)
    count = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert len(pages) == count > 1
    for number, text in enumerate(pages, start=1):
        assert text.count(settings.PROTECTIVE_MARKING) >= 2, f"page {number}: the marking at its top and bottom"
        assert f"Page {number} of {count}" in text
        body = [line for line in text.splitlines() if line.strip() and settings.PROTECTIVE_MARKING not in line]
        assert len(body) > 2, f"page {number} is blank"
    first = pages[0]
    assert "Progress by agency" in first and "Actions, RAG status and completion for each agency" in first
    first_agency = Action.objects.exclude(agency=None).order_by("agency__name").first().agency.name
    assert first_agency in first, "page 1 holds the first table's rows, not only the header"
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(SCREENSHOTS / "dashboard-print")], check=True)
