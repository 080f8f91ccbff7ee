"""An agency lead sends evidence; the business manager accepts it and records the board's assurance."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from actions.models import Action
from assurance.models import Evidence
from assurance.tests.samples import PDF
from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from reviews.models import Membership
from tests.browser.conftest import axe_violations, fill_date, screenshot, sign_in


@pytest.fixture
def demo_board(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def check(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == []


def test_lead_uploads_a_pdf_and_the_manager_accepts_it_and_records_assured(demo_board, page):
    membership = Membership.objects.filter(role="lead", user__username__startswith="lead.").order_by("pk").first()
    action = (
        Action.objects.filter(agency__in=membership.agencies.all(), review__board=membership.board)
        .filter(judgements__isnull=True)
        .order_by("pk")
        .first()
    )
    sign_in(page, membership.user.username, DEMO_PASSWORD)
    page.wait_for_url("**/assurance/my-agency/")  # a lead lands on their own work queue
    page.goto(f"/actions/{action.pk}/evidence/new/")
    check(page, "assurance-upload")

    page.get_by_role("button", name="Send evidence to the board").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check(page, "assurance-upload-errors")

    page.get_by_label("Title").fill("Supervision audit, March")
    page.get_by_label("What this shows").fill("Every supervision record in the sample was in date.")
    fill_date(page, "Date the evidence was produced", "2", "3", "2026")
    page.get_by_label("Files (optional)").set_input_files(
        [{"name": "supervision-audit.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send evidence to the board").click()
    page.wait_for_url("**/evidence/*/")
    expect(page.get_by_role("link", name="supervision-audit.pdf")).to_be_visible()
    evidence = Evidence.objects.get()
    # The file's SHA-256, shortened, with the whole value on request.
    sha256 = evidence.files.get().sha256
    assert page.get_by_text(f"{sha256[:12]}…").is_visible() and not page.get_by_text(sha256, exact=True).is_visible()
    page.get_by_text(f"{sha256[:12]}…").click()
    expect(page.get_by_text(sha256, exact=True)).to_be_visible()
    check(page, "assurance-evidence-lead")

    page.goto("/assurance/my-agency/")
    expect(page.get_by_role("link", name="Supervision audit, March")).to_be_visible()
    check(page, "assurance-lead-home")

    page.context.clear_cookies()
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(f"/evidence/{evidence.pk}/")
    page.get_by_role("link", name="Review this evidence").click()
    check(page, "assurance-review")
    page.get_by_label("Accept the evidence").check()
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url(f"**/evidence/{evidence.pk}/")
    expect(page.locator(".govuk-summary-list").get_by_text("Accepted")).to_be_visible()
    check(page, "assurance-evidence-manager")

    page.get_by_role("link", name="Record assurance judgement").click()
    page.get_by_label("Assured", exact=True).check()
    page.get_by_label("Assurance to the board").fill("The board has been assured that supervision is in date.")
    check(page, "assurance-judgement")
    page.get_by_role("button", name="Record judgement").click()
    expect(page.get_by_text("Assurance recorded: Assured.")).to_be_visible()
    action.refresh_from_db()
    assert action.assurance_level == "assured"
    assert action.judgements.get().recorded_by.username == "manager"
    check(page, "assurance-judgement-recorded")


def test_the_managers_request_and_challenge_pages_are_accessible(demo_board, page):
    # The manager manages the children's partnership (and chairs the adults board): their board in view.
    # An agency with a lead there, so the request has someone to go to.
    agency = Membership.objects.filter(role="lead", board__slug="nscp").order_by("pk").first().agencies.get()
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/assurance/requests/new/")
    page.get_by_label("Agency").select_option(label=agency.name)
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-checkboxes__input").first.check()
    fill_date(page, "Reply due by", "31", "1", "2099")
    check(page, "assurance-request-new")
    page.get_by_role("button", name="Send request").click()
    assert page.get_by_text("is queued and will be sent shortly").is_visible()
    check(page, "assurance-request-detail")
    page.goto("/assurance/requests/")
    check(page, "assurance-requests")
    page.goto("/assurance/challenges/new/")
    page.get_by_role("button", name="Save event").click()
    check(page, "assurance-challenge-errors")
    page.get_by_label("Title").fill("Spring scrutiny")
    fill_date(page, "Date of the event", "10", "3", "2026")
    page.get_by_label("Chair").fill("Priya Anand")
    page.get_by_role("group", name="Agencies invited").get_by_label(agency.name).check()
    page.get_by_role("button", name="Save event").click()
    page.get_by_role("link", name="Record a challenge on an action").click()
    page.get_by_label("Action").select_option(index=1)
    page.get_by_label("Challenge raised").fill("How do you know supervision has improved?")
    page.get_by_role("button", name="Save challenge").click()
    expect(page.get_by_text("How do you know supervision has improved?")).to_be_visible()
    check(page, "assurance-challenge-detail")
    page.goto("/assurance/challenges/")
    check(page, "assurance-challenges")
