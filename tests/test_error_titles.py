"""Every form of the permission matrix, sent empty, answers with its errors and a page title that starts "Error: ".

A screen reader announces the title first: "Error: " tells its user the form came back (GOV.UK's error pattern).
The titles are set once, in templates/base.html (its `error_prefix` block), for every page with a form.
"""

import re

import pytest
from django.urls import reverse

from tests.permission_matrix.fixtures import board_fixture, media_root_fixture  # noqa: F401  (fixtures)
from tests.permission_matrix.matrix import CASES
from tests.permission_matrix.requests import clients_for, read, rolled_back
from tests.permission_matrix.world import World

pytestmark = pytest.mark.django_db
VIEWERS = ("manager", "lead_a")
# Posting to these signs the client out (their own tests cover their errors: the sign-in page's title too).
SIGN_IN_AND_OUT = {"login", "logout"}


def test_every_form_sent_empty_says_error_in_its_title(board: World):
    clients = clients_for(board.personas)
    with_errors, problems = [], []
    for case in CASES:
        for persona in VIEWERS:
            if case.expected["post"][persona].status not in (200, 302) or case.name in SIGN_IN_AND_OUT:
                continue
            url = reverse(case.name, kwargs=case.kwargs(board))
            with rolled_back():
                response = clients[persona].post(url, {})
                page = read(response).decode("utf-8", "replace")
            if response.status_code != 200 or "govuk-error-summary" not in page:
                continue
            title = re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
            with_errors.append(case.id)
            if not title.startswith("Error: ") or title.count("Error: ") != 1:
                problems.append(f"{url} as {persona}: {title!r}")
            break
    assert len(with_errors) >= 20, with_errors  # the matrix's forms, not a handful
    assert not problems, "\n".join(problems)


def summary_out_of_page_order(page: str) -> list[str] | None:
    """The error summary's links, when they do not follow the fields down the page (else None)."""
    summary = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', page, re.S).group(1)
    anchors = list(dict.fromkeys(re.findall(r'href="#([^"]+)"', summary)))
    body = page[page.index("govuk-error-summary__list") + len(summary) :]
    places = [body.find(f'id="{anchor}"') for anchor in anchors]
    return None if places == sorted(places) else anchors


def test_every_form_sent_empty_lists_its_errors_in_the_order_of_its_fields(board: World):
    """GOV.UK: the summary lists the errors in the order the fields appear, so its user can work down the page."""
    clients = clients_for(board.personas)
    problems = []
    for case in CASES:
        for persona in VIEWERS:
            if case.expected["post"][persona].status not in (200, 302) or case.name in SIGN_IN_AND_OUT:
                continue
            url = reverse(case.name, kwargs=case.kwargs(board))
            query = case.query(board)
            with rolled_back():
                response = clients[persona].post(f"{url}?{query}" if query else url, {})
                page = read(response).decode("utf-8", "replace")
            if response.status_code == 200 and "govuk-error-summary__list" in page:
                if (anchors := summary_out_of_page_order(page)) is not None:
                    problems.append(f"{url} as {persona}: summary lists {anchors}")
            break
    assert not problems, "\n".join(problems)
