"""Forms explain themselves and work without a mouse: the status form's hints and revealed reasons, and a lead's
progress update done with the keyboard alone."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from actions.choices import ActionStatus
from actions.models import Action
from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from reviews.models import Membership
from tests.browser.conftest import axe_violations, screenshot, sign_in


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_the_reason_is_revealed_only_for_on_hold_and_not_accepted(demo_board, page):
    action = Action.objects.filter(status=ActionStatus.IN_PROGRESS, review__board__slug="nscp").order_by("pk").first()
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(f"/actions/{action.pk}/status/")
    on_hold_reason = page.get_by_label("Why is the action on hold?")
    not_accepted_reason = page.get_by_label("Why was the action not accepted?")
    assert not on_hold_reason.is_visible() and not not_accepted_reason.is_visible()
    # Each status says what it means: completed, evidenced and embedded are three different things.
    expect(page.get_by_text("The board has not yet seen evidence of it.")).to_be_visible()
    assert page.get_by_text("The work is done and the board has seen evidence of it.").is_visible()
    expect(page.get_by_text('judged "impact evidenced"')).to_be_visible()

    page.get_by_label("On hold", exact=True).check()
    assert on_hold_reason.is_visible() and not not_accepted_reason.is_visible()
    screenshot(page, "status-on-hold-reason")
    assert axe_violations(page) == []
    page.get_by_label("Not accepted", exact=True).check()
    assert not_accepted_reason.is_visible() and not on_hold_reason.is_visible()
    not_accepted_reason.fill("The board agreed the agency's own review covers it.")
    page.get_by_role("button", name="Save status").click()
    page.wait_for_url(f"**/actions/{action.pk}/")
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_ACCEPTED
    assert action.status_reason == "The board agreed the agency's own review covers it."

    # A reason left out is asked for beside its own field, still revealed.
    page.goto(f"/actions/{action.pk}/status/")
    assert page.get_by_label("Why was the action not accepted?").input_value() == action.status_reason
    page.get_by_label("On hold", exact=True).check()
    page.get_by_role("button", name="Save status").click()
    assert page.title().startswith("Error: ")
    expect(page.get_by_label("Why is the action on hold?")).to_be_visible()
    screenshot(page, "status-on-hold-reason-missing")
    assert axe_violations(page) == []


def test_without_script_every_reason_shows_labelled(demo_board, browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    action = Action.objects.filter(review__board__slug="nscp").order_by("pk").first()
    sign_in(page, "manager", DEMO_PASSWORD)
    page.goto(f"/actions/{action.pk}/status/")
    expect(page.get_by_label("Why is the action on hold?")).to_be_visible()
    expect(page.get_by_label("Why was the action not accepted?")).to_be_visible()
    context.close()


def _tab_to(page, accessible: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text or label holds `accessible` (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement;"
            " const label = el.labels && el.labels.length ? el.labels[0].innerText : '';"
            " return (el.innerText || '') + ' ' + label + ' ' + (el.getAttribute('aria-label') || ''); }"
        )
        if accessible in focused:
            return
    raise AssertionError(f"Tab never reached {accessible!r}")


def test_a_lead_adds_a_progress_update_with_the_keyboard_alone(demo_board, page):
    lead = Membership.objects.get(user__username="lead.csc", role="lead")
    action = Action.objects.filter(agency__in=lead.agencies.all()).order_by("pk").first()
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")  # the skip link
    _tab_to(page, "Username")
    page.keyboard.type("lead.csc")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/assurance/my-agency/")

    page.goto(f"/actions/{action.pk}/")
    _tab_to(page, "Add a progress update")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/actions/{action.pk}/progress/new/")
    today = timezone.localdate()
    _tab_to(page, "Day")
    page.keyboard.type(str(today.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(today.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(today.year))
    page.keyboard.press("Tab")
    page.keyboard.type("Audit of 20 case files finished; findings go to the next subgroup.")
    _tab_to(page, "Add update")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/actions/{action.pk}/")
    expect(page.get_by_text("Progress update added.")).to_be_visible()
    assert action.progress_updates.filter(text__startswith="Audit of 20 case files").exists()
    screenshot(page, "lead-progress-by-keyboard")
