"""Bad input never causes a 500 (issue 7), and an invalid filter never widens a list (DESIGN.md §8).

Property-based (hypothesis): the filter parameters of every filtered list, and every form of the
product, discovered from the views of the permission matrix (the form each page renders gives the
field names), posted with arbitrary values as the business manager and as agency A's lead. The import
parser has its own properties in lscb/tests/test_plan_import_reading.py; the upload here only has to
be answered without an error.

Each example runs in a savepoint that is rolled back, so every one meets the same board.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import pytest
from django.core.signals import got_request_exception
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.permission_matrix.fixtures import board_fixture, media_root_fixture  # noqa: F401  (fixtures)
from tests.permission_matrix.matrix import CASES, Case
from tests.permission_matrix.requests import clients_for, read, rolled_back
from tests.permission_matrix.strategies import edge_values, form_body, query_pairs
from tests.permission_matrix.world import World

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORM_PROPERTY = settings(PROPERTY, max_examples=15)  # on top of each field's explicit edge examples


class ErrorLog(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def no_errors(where: str):
    """Fails if a view raised (got_request_exception) or anything logged an error while inside."""
    raised, log = [], ErrorLog()

    def on_exception(sender, request=None, **kwargs):
        raised.append(request.get_full_path() if request else "?")

    got_request_exception.connect(on_exception)
    logging.getLogger().addHandler(log)
    try:
        yield
    finally:
        got_request_exception.disconnect(on_exception)
        logging.getLogger().removeHandler(log)
    assert not raised, f"{where}: a view raised for {raised}"
    assert not log.records, f"{where}: logged {[r.getMessage()[:300] for r in log.records]}"


def real_ids(board: World) -> list[int]:
    """Ids that exist somewhere (agencies, actions, users, themes, reviews' records): plausible guesses."""
    return sorted(
        {board.agency_a.pk, board.agency_b.pk, board.action_a.pk, board.action_b.pk, board.theme.pk}
        | {user.pk for user in board.personas.values() if user is not None}
    )


# ---- Filtered lists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterList:
    name: str
    params: tuple[str, ...]
    personas: tuple[str, ...]
    rows: str  # the context name of the page's rows


LISTS = [
    # DESIGN.md §8's parameters of /actions/, and its sort
    FilterList(
        "actions:list",
        ("review", "agency", "status", "rag", "assurance", "theme", "due_after", "due_before", "overdue", "q", "sort"),
        ("manager", "lead_a"),
        "actions",
    ),
    FilterList("board:audit", ("user", "kind", "change", "date_from", "date_to"), ("manager", "chair"), "entries"),
    FilterList("assurance:requests", ("agency", "state", "overdue"), ("manager", "lead_a"), "assurance_requests"),
    FilterList("assurance:challenges", ("agency", "q"), ("manager", "lead_a"), "events"),
    FilterList("board:reviews", ("kind", "status", "q"), ("manager", "lead_a"), "reviews"),
    FilterList("board:security-log", ("kind", "user", "date_from", "date_to"), ("manager",), "events"),
]


# DESIGN.md §8: an export holds exactly the filtered rows; a bad filter or format exports nothing.
EXPORTS = [
    [("export", "csv"), ("agency", "9" * 40)],
    [("export", "pdf"), ("status", "bogus")],
    [("export", "xlsx"), ("q", "\x00")],
    [("export", "csv"), ("due_before", "31/12/9999")],
    [("export", "exe")],
    [("export", "csv"), ("export", "")],
]


# The lists with CSV and XLSX exports (the review register's: lscb/board/register.py).
EXPORTING = {"actions:list", "board:reviews"}


def shown(response, spec: FilterList) -> tuple[int, set | None]:
    """How many rows the list holds (all pages), and the page's record ids where rows are records."""
    context = response.context
    page = context.get("page_obj")
    rows = list(context.get(spec.rows) or [])
    total = page.paginator.count if page is not None else len(rows)
    ids = {row.pk for row in rows} if all(hasattr(row, "pk") for row in rows) else None
    return total, ids


def filter_errors(response) -> dict:
    filterset = response.context["filterset"]
    return dict(filterset.errors) if filterset.is_bound else {}


@pytest.mark.parametrize("spec", LISTS, ids=[spec.name for spec in LISTS])
def test_filter_parameters_never_cause_a_500_nor_widen_the_list(spec: FilterList, board: World):
    clients = clients_for({name: board.personas[name] for name in spec.personas}, raise_request_exception=False)
    url = reverse(spec.name)
    unfiltered = {}
    for persona, client in clients.items():
        response = client.get(url)
        assert response.status_code == 200
        unfiltered[persona] = shown(response, spec)
        assert unfiltered[persona][0] > 0, f"{spec.name} is empty for {persona}: nothing to widen"
    fields = response.context["filterset"].form.fields
    assert set(spec.params) <= set(fields), f"{spec.name} no longer filters on {set(spec.params) - set(fields)}"

    def property_(persona, pairs):
        with rolled_back(), no_errors(f"{spec.name} {pairs!r}"):
            response = clients[persona].get(url, _query(pairs))
            response.body = read(response)  # a streamed export runs its queries as it is read
            assert response.status_code < 500
        if response.status_code == 404 and any(key == "page" for key, value in pairs):
            return  # Django's ListView answers a page number it cannot show with 404 (the requests list does)
        everything, every_id = unfiltered[persona]
        if spec.name in EXPORTING and "export" in dict(pairs):
            _check_export(response, pairs, everything, spec)
            return
        assert response.status_code == 200, (pairs, response.status_code)
        total, ids = shown(response, spec)
        assert total <= everything, f"{pairs!r} widened the list: {total} > {everything}"
        if ids is not None and every_id is not None:
            assert ids <= every_id, f"{pairs!r} showed records outside {persona}'s list"
        if filter_errors(response):
            assert total == 0, f"{pairs!r} is invalid ({filter_errors(response)}) yet the list shows {total}"

    for name, field in fields.items():  # each parameter alone at each of its edges
        for value in edge_values(field):
            property_ = example(persona=spec.personas[-1], pairs=[(name, value)])(property_)
    for pairs in EXPORTS if spec.name in EXPORTING else []:
        property_ = example(persona=spec.personas[-1], pairs=pairs)(property_)
    PROPERTY(given(persona=st.sampled_from(spec.personas), pairs=query_pairs(fields, real_ids(board)))(property_))()


def _check_export(response, pairs, everything: int, spec: FilterList) -> None:
    """An export of exactly the filtered rows, or (bad filter or format) the list page, 400, with nothing."""
    if response.status_code == 400:
        assert response.context["filterset"].errors and shown(response, spec)[0] == 0, pairs
        return
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"], pairs
    if response["Content-Type"].startswith("text/csv"):
        rows = len(response.body.decode("utf-8-sig").splitlines()) - 1  # fictional texts have no line breaks
        assert rows <= everything, f"{pairs!r} exported {rows} rows, more than the {everything} the list holds"


def _query(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    query: dict[str, list[str]] = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value)
    return query


# ---- Every form ---------------------------------------------------------------------------------------

# The views whose POST the matrix shows changing the board for the manager or agency A's lead,
# plus the sign-in and two-factor forms. Their field names come from the form each page renders.
# (Withdrawing evidence and "no further assurance received" are a bare POST: no fields to vary.)
NO_FIELDS = {
    "login",
    "assurance:evidence-withdraw",
    "assurance:request-no-response",
    "board:task-retry",
    "reviews:learning-cascade",  # a button: no fields
}
WRITERS = [
    case
    for case in CASES
    if any(case.expected["post"][p].writes for p in ("manager", "lead_a")) and case.name not in NO_FIELDS
]
SIGN_IN_FORMS = {"login": "anonymous", "two-factor-setup": "manager", "two-factor-verify": "manager"}
SIGN_IN_BODIES = {  # what a person would send, for the explicit examples to vary one field of
    "login": {"username": "lead_a", "password": "not-the-password"},
    "two-factor-setup": {"code": "000000"},
    "two-factor-verify": {"code": "000000", "next": "/dashboard/"},
}
# Fields a view reads besides its form's: the import preview's confirm form (same URL); `next` after sign-in.
EXTRA_FIELDS = {"board:plan-import": ["token", "fingerprint"], "two-factor-verify": ["next"], "login": ["next"]}


def form_fields(client, url: str, case_name: str) -> dict:
    """The fields of the form the page shows, by name (None for a name the view reads besides)."""
    response = client.get(url)
    form = response.context.get("form") if response.status_code == 200 and response.context else None
    fields = dict(form.fields) if form is not None else {}
    return fields | dict.fromkeys(EXTRA_FIELDS.get(case_name, []))


def _case_url(case: Case, board: World) -> str:
    url = reverse(case.name, kwargs=case.kwargs(board))
    query = case.query(board)
    return f"{url}?{query}" if query else url


FORM_IDS = [case.id for case in WRITERS] + list(SIGN_IN_FORMS)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_form_answers_arbitrary_values_without_a_500(form_id: str, board: World):
    case = next((case for case in WRITERS if case.id == form_id), None)
    url = _case_url(case, board) if case else reverse(form_id)
    personas = ("manager", "lead_a") if case else (SIGN_IN_FORMS[form_id],)
    if form_id == "two-factor-verify":  # the code form is shown to someone with an authenticator
        TOTPDevice.objects.create(user=board.personas["manager"], name="Authenticator app", confirmed=True)
    clients = clients_for({name: board.personas[name] for name in personas}, raise_request_exception=False)
    # The manager may open every board form (lead_a only some); the sign-in page is for the signed out.
    fields = form_fields(clients[personas[0]], url, form_id)
    assert any(field is not None for field in fields.values()), f"{form_id}: no form on {url} to take fields from"

    def property_(persona, body):
        body = body() if callable(body) else body  # explicit examples build theirs afresh: uploads are read once
        with rolled_back(), no_errors(f"POST {url} as {persona}: {body!r:.500}"):
            response = clients[persona].post(url, body)
            assert response.status_code < 500, (body, response.status_code)

    # A valid form with one field at one of its edges reaches the code behind a valid form, too.
    valid = case.data if case else lambda board: SIGN_IN_BODIES[form_id]
    for name, field in fields.items():
        for value in edge_values(field):
            body = partial(_valid_with, valid, board, name, value)
            property_ = example(persona=personas[0], body=body)(property_)
    FORM_PROPERTY(given(persona=st.sampled_from(personas), body=form_body(fields, real_ids(board)))(property_))()


def _valid_with(valid, board: World, name: str, value) -> dict:
    return {**valid(board), name: value}


def test_a_very_long_username_is_a_failed_sign_in_not_a_500(client):
    """Found by the property above on PostgreSQL: django-axes kept the whole name in a 255-character column."""
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "x" * 300, "password": "not-the-password"})
    assert response.status_code == 200 and "username" in response.context["form"].fields
    assert [len(name) for name in AccessAttempt.objects.values_list("username", flat=True)] == [150]
