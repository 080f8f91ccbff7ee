"""Playwright in Debian's Chromium, against pytest-django's live server.

`playwright install` cannot download a browser here, so we launch the
system Chromium at /usr/bin/chromium (override with LSCB_CHROMIUM).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LSCB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by fixtures around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (make test does it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the axe-core script be injected; the app's own pages still send their CSP.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    """Type a date into a GOV.UK date input: the day, month and year boxes in the fieldset named by its legend."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# GOV.UK Frontend's conditional reveal sets aria-expanded on the radio that reveals a question. ARIA does not list
# it for a radio, so axe reports it; GOV.UK keeps it on purpose, as screen readers announce it, and lists axe's
# report as a known issue (alphagov/govuk-frontend#979, #1280). That one finding, on those radios only, is not ours.
GOVUK_KNOWN_ISSUE = """violations => violations.map(v => v.id !== 'aria-allowed-attr' ? v : {
  ...v, nodes: v.nodes.filter(n => !(
    document.querySelector(n.target[0])?.matches('.govuk-radios__input[aria-controls][aria-expanded]')
    && n.any.concat(n.all, n.none).every(check => /aria-expanded/.test(JSON.stringify(check.data)))))})
  .filter(v => v.nodes.length)"""


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page and return its violations for the WCAG 2.2 AA tags."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    violations = page.evaluate(GOVUK_KNOWN_ISSUE, result["violations"])
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
    ]
