"""Reflow (WCAG 2.2 1.4.10): at 320 CSS px no page of the permission matrix scrolls sideways.

Every page the matrix lists is opened in Chromium at 320 px wide, as the first of the manager, agency A's
lead and the chair that may see it, on the matrix's own small board (tests/permission_matrix/world.py).
A wide table may scroll inside its own region (templates/includes/scroll_table.html), never the page.
axe runs on each page at that width too.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from actions.plan.ready import print_review
from tests.browser.conftest import axe_violations, sign_in
from tests.permission_matrix.matrix import CASES, PASSWORD, Case
from tests.permission_matrix.world import World, build_world

# Whoever may see the page: the manager sees most, agency A's lead their own queue, the chair the rest.
VIEWERS = ("manager", "lead_a", "chair")
# Swagger UI is drf-spectacular's page for developers, not ours: reflow is checked, axe is not.
THIRD_PARTY = {"api:schema-docs"}
# Set LSCB_REFLOW_SHOTS=/some/folder to keep a screenshot of every page at 320 px (for looking at them).
SHOTS = os.environ.get("LSCB_REFLOW_SHOTS")


@pytest.fixture
def world(transactional_db, personas, agency_a, agency_b, review, action_a, action_b, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    built = build_world(personas, agency_a, agency_b, review, action_a, action_b)
    print_review.call(built.review.pk)
    return built


def _viewer(case: Case) -> str | None:
    return next((who for who in VIEWERS if case.expected["get"][who].status == 200), None)


def _url(case: Case, world: World) -> str:
    url = reverse(case.name, kwargs=case.kwargs(world))
    query = case.query(world)
    return f"{url}?{query}" if query else url


def _sideways(page) -> int:
    """How many CSS px the document is wider than the viewport (0: no horizontal scroll)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


# Which elements stick out past the right edge, innermost first: named in a failure so it can be found.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  return [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && (el.parentElement.closest('.lscb-scroll') === null))
    .filter(el => ![...el.children].some(child => child.getBoundingClientRect().right > width + 1))
    .slice(0, 4).map(name);
}"""


def test_no_page_in_the_matrix_scrolls_sideways_at_320_px(world, browser, live_server):
    problems, seen = [], 0
    for viewer in VIEWERS:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 320, "height": 640})
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, viewer, PASSWORD)
        page.wait_for_load_state()
        for case in CASES:
            if _viewer(case) != viewer:
                continue
            url = _url(case, world)
            response = page.request.get(url)  # a download (PDF, CSV, JSON) is not a page
            if response.status != 200 or not response.headers.get("content-type", "").startswith("text/html"):
                continue
            page.goto(url)
            seen += 1
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{SHOTS}/{case.id.replace(':', '-')}-{viewer}.png", full_page=True)
            if (extra := _sideways(page)) > 0:
                problems.append(f"{url} as {viewer}: {extra} px wider than 320: {page.evaluate(OVERFLOWING)}")
            if case.name in THIRD_PARTY:
                continue
            if violations := axe_violations(page):
                problems.append(f"{url} as {viewer}: axe {violations}")
        context.close()
    assert seen >= 50, seen  # the matrix's pages (53 when written), not a handful
    assert not problems, "\n".join(problems)
