"""Every form page of the permission matrix has a "Cancel" link after its submit button, back to a page
the same person can open: GOV.UK's way out of a form without sending it (the browser's Back button is not
enough after an error, when it goes back to the form itself).
"""

import re

import pytest
from django.urls import reverse

from tests.permission_matrix.fixtures import board_fixture, media_root_fixture  # noqa: F401  (fixtures)
from tests.permission_matrix.matrix import CASES
from tests.permission_matrix.requests import clients_for, read
from tests.permission_matrix.world import World

pytestmark = pytest.mark.django_db
# Each form page is read as the first of these who may both open it and send it.
STAFF = ("manager", "chair", "lead_a", "lead_b")
# Forms where a Cancel link makes no sense:
NO_CANCEL = {
    # Sign-in and sign-out have nowhere to go back to (and their GET is not a 200 page for a signed-in user).
    "login",
    "logout",
    # Setting up two-factor sign-in is a step of signing in: until it is done every page sends the user back
    # here, so its way out is the "Sign out" button beside it.
    "two-factor-setup",
    # One button ("Make new backup codes") at the foot of a page whose own way on is its "Continue" button.
    "two-factor-backup-codes",
    # The page is a list of the user's tokens with the form for a new one beneath it: nothing to cancel back to.
    "api-tokens",
}
POST_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
CANCEL = re.compile(r'<button[^>]*type="submit".*?<a class="govuk-link" href="([^"]*)">Cancel</a>', re.S)


def form_pages(board: World):
    """(case, persona, url) for every matrix row whose page a staff persona may open and send."""
    for case in CASES:
        if case.name in NO_CANCEL:
            continue
        for persona in STAFF:
            expected = case.expected
            if expected["get"][persona].status == 200 and expected["post"][persona].status in (200, 302, 303):
                path = reverse(case.name, kwargs=case.kwargs(board))
                query = case.query(board)
                yield case, persona, path, f"{path}?{query}" if query else path
                break


def own_form(page: str, path: str) -> str | None:
    """The body of the page's form that posts to the page itself (not the header's sign-out form)."""
    for attributes, body in POST_FORM.findall(page):
        if not re.search(r'method="post"', attributes, re.I):
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        if action is None or action.group(1) in ("", path) or action.group(1).startswith("?"):
            return body
    return None


def test_every_form_page_has_a_cancel_link_to_a_page_its_user_can_open(board: World):
    clients = clients_for(board.personas)
    checked, problems = [], []
    for case, persona, path, url in form_pages(board):
        client = clients[persona]
        page = read(client.get(url)).decode("utf-8", "replace")
        form = own_form(page, path)
        if form is None:
            continue  # a page that is sent from elsewhere (a button on another page), not a form page
        checked.append(case.id)
        cancel = CANCEL.search(form)
        if cancel is None:
            problems.append(f"{url} ({case.id}) as {persona}: no Cancel link after the submit button")
            continue
        href = cancel.group(1).split("#")[0]
        if not href:
            problems.append(f"{url} ({case.id}): Cancel goes nowhere ({cancel.group(1)!r})")
        elif (status := client.get(href).status_code) != 200:
            problems.append(f"{url} ({case.id}): Cancel goes to {href}, which answers {persona} {status}")
    assert len(checked) >= 25, checked  # the matrix's forms, not a handful
    assert not problems, "\n".join(problems)
