"""Two-factor set-up in real Chromium: sign in, scan (here: read) the secret, enter a code, reach the dashboard."""

import base64

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import expect

from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = pytest.mark.two_factor


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def code_for(secret_on_screen: str) -> str:
    """What the authenticator app does with the secret typed into it."""
    return f"{totp(base64.b32decode(secret_on_screen.replace(' ', ''))):06d}"


def test_first_sign_in_sets_up_two_factor_and_reaches_the_dashboard(demo_board, page):
    sign_in(page, "manager", DEMO_PASSWORD)
    page.wait_for_url("**/accounts/two-factor/set-up/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    qr_code = page.get_by_role("img", name="QR code for adding the action tracker to your authenticator app")
    assert qr_code.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr_code.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code image renders"
    assert "Two-factor sign-in is switched off" not in page.content()
    # Nothing to navigate to before the second factor: only sign-out.
    assert page.get_by_role("link", name="Dashboard").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "two-factor-set-up")

    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "two-factor-set-up-error")

    secret = page.locator("#totp-secret").inner_text()
    # django-otp throttles a device for 1 s after a wrong code (OTP_TOTP_THROTTLE_FACTOR); a person
    # never types that fast, a test can.
    page.wait_for_timeout(1200)
    page.get_by_label("Code from your authenticator app").fill(code_for(secret))
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url("**/accounts/two-factor/backup-codes/**")
    assert page.locator("#backup-codes li").count() == 10
    assert axe_violations(page) == []
    screenshot(page, "two-factor-backup-codes")

    page.get_by_role("button", name="I have saved my codes, continue").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"


def test_a_second_sign_in_asks_for_a_code(demo_board, page):
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=get_user_model().objects.get(username="chair"), confirmed=True)
    sign_in(page, "chair", DEMO_PASSWORD)
    page.wait_for_url("**/accounts/two-factor/?next=*")
    assert axe_violations(page) == []
    screenshot(page, "two-factor-verify")
    page.get_by_label("Sign-in code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/dashboard/")


def test_with_two_factor_off_the_demo_says_so(demo_board, page, settings):
    settings.LSCB_REQUIRE_2FA = False
    sign_in(page, "chair", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_text("Two-factor sign-in is switched off (demo)")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "two-factor-off-banner")
