"""Every form of the permission matrix, sent empty, answers with its errors and a page title that starts "Error: ".

A screen reader announces the title first: "Error: " tells its user the form came back (GOV.UK's error pattern).
The titles are set once, in templates/base.html (its `error_prefix` block), for every page with a form.
Its error messages follow GOV.UK's style too: none ends with a full stop (docs/DESIGN-notes.md, "Error messages").
"""

import html
import re

import pytest
from django.urls import reverse

from actions.models import ProgressUpdate
from assurance.models import AssuranceJudgement
from tests.permission_matrix.fixtures import board_fixture, media_root_fixture  # noqa: F401  (fixtures)
from tests.permission_matrix.matrix import CASES
from tests.permission_matrix.requests import clients_for, read, rolled_back
from tests.permission_matrix.world import World, tomorrow, yesterday

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


def error_messages(page: str) -> list[str]:
    """Each error message the page shows: the error summary's links and the inline messages beside the fields."""
    summaries = re.findall(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', page, re.S)
    shown = [link for summary in summaries for link in re.findall(r"<a [^>]*>(.*?)</a>", summary, re.S)]
    for inline in re.findall(r'<p [^>]*class="govuk-error-message"[^>]*>(.*?)</p>', page, re.S):
        # One paragraph may hold several messages, each after its hidden "Error:".
        shown += re.split(r'<span class="govuk-visually-hidden">Error:</span>', inline)
    texts = (html.unescape(re.sub(r"<[^>]+>", "", message)).strip() for message in shown)
    return [text for text in texts if text]


def ending_in_full_stops(url: str, persona: str, page: str) -> list[str]:
    return [f"{url} as {persona}: {message!r}" for message in error_messages(page) if message.endswith(".")]


def test_no_error_message_of_a_form_sent_empty_ends_with_a_full_stop(board: World):
    """GOV.UK: an error message says what to do, in a phrase without a full stop ("Enter the date of the meeting")."""
    clients = clients_for(board.personas)
    messages, problems = 0, []
    for case in CASES:
        for persona in VIEWERS:
            if case.expected["post"][persona].status not in (200, 302) or case.name in SIGN_IN_AND_OUT:
                continue
            url = reverse(case.name, kwargs=case.kwargs(board))
            query = case.query(board)
            with rolled_back():
                response = clients[persona].post(f"{url}?{query}" if query else url, {})
                page = read(response).decode("utf-8", "replace")
            if response.status_code == 200:
                messages += len(error_messages(page))
                problems += ending_in_full_stops(url, persona, page)
    assert messages >= 40, messages  # the matrix's forms' messages, not a handful
    assert not problems, f"{len(problems)} error messages end with a full stop:\n" + "\n".join(problems)


def too_long(field_limit) -> str:
    return "x" * (field_limit.characters + 1)


def bad_values(board: World) -> list[tuple[str, dict]]:
    """(matrix case, fields replaced in its valid post): the messages an empty post never reaches."""
    return [
        ("assurance:evidence-create", {"produced_on": tomorrow().isoformat()}),  # the shared "not in the future"
        ("assurance:request-create", {"due_on": yesterday().isoformat(), "subject": "Two\nlines"}),
        (
            "assurance:judgement-create",
            {"statement": too_long(AssuranceJudgement.TEXT_LIMITS["statement"]), "judged_on": tomorrow().isoformat()},
        ),
        ("actions:progress", {"written_on": "31/02/2026", "text": too_long(ProgressUpdate.TEXT_LIMITS["text"])}),
        ("assurance:meeting-create", {"held_on": "14/01/1999"}),
        ("reviews:create", {"slug": "new", "published_on": "01/01/2026", "commissioned_on": "02/01/2026"}),
        ("actions:edit", {"seen": 1}),  # someone else's change since: the stale-edit message, in the summary
    ]


def test_no_error_message_of_a_form_sent_bad_values_ends_with_a_full_stop(board: World):
    """A date in the future or the past, a too-long text, a reserved name, a stale edit: their messages too."""
    clients = clients_for(board.personas)
    cases = {case.id: case for case in CASES}
    messages, problems = [], []
    for name, replaced in bad_values(board):
        case = cases[name]
        url = reverse(case.name, kwargs=case.kwargs(board))
        query = case.query(board)
        with rolled_back():
            response = clients["manager"].post(f"{url}?{query}" if query else url, {**case.data(board), **replaced})
            page = read(response).decode("utf-8", "replace")
        assert response.status_code == 200, (url, response.status_code)
        shown = error_messages(page)
        assert shown, f"{url}: no error shown for {sorted(replaced)}"
        messages += shown
        problems += ending_in_full_stops(url, "manager", page)
    assert len(messages) >= 10, messages
    assert not problems, f"{len(problems)} error messages end with a full stop:\n" + "\n".join(problems)


def test_no_error_message_of_a_field_sent_a_value_it_cannot_take_ends_with_a_full_stop(board: World):
    """Each field of each form of the matrix, in its otherwise valid post, sent a word and a number that no list
    holds: a choice not (or no longer) on the form answers in the house's words, not in Django's ("Select a
    valid choice. 7 is not one of the available choices.")."""
    clients = clients_for(board.personas)
    messages, problems = 0, []
    for case in CASES:
        if case.expected["post"]["manager"].status not in (200, 302) or case.name in SIGN_IN_AND_OUT:
            continue
        url = reverse(case.name, kwargs=case.kwargs(board))
        query = case.query(board)
        for name in set(case.data(board)) - {"seen"}:
            for value in ("x", "99999"):
                with rolled_back():
                    body = {**case.data(board), name: value}
                    response = clients["manager"].post(f"{url}?{query}" if query else url, body)
                    page = read(response).decode("utf-8", "replace")
                if response.status_code == 200:
                    messages += len(error_messages(page))
                    problems += ending_in_full_stops(f"{url} ({name}={value})", "manager", page)
    assert messages >= 40, messages
    assert not problems, f"{len(problems)} error messages end with a full stop:\n" + "\n".join(problems)


def test_no_error_message_of_a_list_filter_sent_a_value_it_cannot_take_ends_with_a_full_stop(board: World):
    """The filters of every list are a form too, whose errors the list's error summary shows: each filter sent a
    word, a number that no list holds and too long a search."""
    client = clients_for(board.personas)["manager"]
    lists, problems = [], []
    for case in CASES:
        if case.expected["get"]["manager"].status != 200 or case.query(board):
            continue
        url = reverse(case.name, kwargs=case.kwargs(board))
        response = client.get(url)
        filterset = response.context.get("filterset") if response.context else None
        if filterset is None:
            continue
        lists.append(url)
        for name in filterset.form.fields:
            for value in ("x", "99999", "x" * 201):
                response = client.get(url, {name: value})
                problems += ending_in_full_stops(f"{url}?{name}={value[:10]}", "manager", response.content.decode())
    assert len(lists) >= 6, lists  # the action list, the register, milestones, requests, challenges, learning…
    assert not problems, f"{len(problems)} error messages end with a full stop:\n" + "\n".join(problems)
