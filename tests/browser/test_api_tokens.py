"""API tokens and the API's documentation in real Chromium: make a token, use it, revoke it; pages accessible."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from lscb.board.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import axe_violations, fill_date, screenshot, sign_in


@pytest.fixture
def demo_board(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_a_lead_makes_a_token_reads_the_api_with_it_and_revokes_it(demo_board, page):
    sign_in(page, "lead.csc", DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url("**/accounts/api-tokens/")
    assert axe_violations(page) == []
    page.get_by_label("Name").fill("Power BI board report")
    last_day = timezone.localdate() + datetime.timedelta(days=60)
    fill_date(page, "Last day it works", str(last_day.day), str(last_day.month), str(last_day.year))
    page.get_by_role("button", name="Make token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("lscb_")
    assert axe_violations(page) == []
    screenshot(page, "api-tokens-new-1280")
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, "api-tokens-new-320")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    api = page.context.request  # the same browser, but only the token: no cookies sent below
    answer = api.get("/api/v1/actions/", headers={"Authorization": f"Bearer {token}", "Cookie": ""})
    assert answer.status == 200 and answer.json()["count"] > 0
    page.reload()
    assert token not in page.content()  # shown once
    page.get_by_role("button", name="Revoke Power BI board report").click()
    expect(page.get_by_text("has been revoked")).to_be_visible()
    answer = api.get("/api/v1/actions/", headers={"Authorization": f"Bearer {token}", "Cookie": ""})
    assert answer.status == 401


def test_the_api_documentation_and_browsable_api_load_under_the_csp(demo_board, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})  # CSP enforced
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append((page.url, m.text)) if "Content Security Policy" in m.text else 0)
    sign_in(page, "chair", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/api/schema/docs/")
    page.locator(".opblock-summary-path", has_text="/api/v1/actions/").first.wait_for()
    screenshot(page, "api-docs-1280")
    assert refused == []
    # REST framework's own page: its two buttons' `style="float: right"` are refused (the CSP stays strict
    # here), and nothing else.
    page.goto("/api/v1/actions/?page_size=5")
    expect(page.get_by_role("heading", name="Action List")).to_be_visible()
    screenshot(page, "api-browsable-1280")
    assert len(refused) == 2 and all("inline style" in text for _, text in refused)
    context.close()
