"""The permission matrix on a deployment of two boards (DESIGN.md §9, issue 13).

The matrix's world (tests/permission_matrix/world.py) is board A's, the deployment's first board.
Beside it stands board B, and four more personas, each checked on every row of the matrix with GET
and POST, against a column of the matrix itself, so that a new view is covered here the day its
row is written:

- `scrutineer`, board A's independent scrutineer: reads and prints everything, changes nothing,
  exactly as the subgroup chair (the chair's column);
- `manager_b`, board B's business manager: board A's records answer 404, as to someone with no
  role (the outsider's column); pages without a record answer as to board A's manager, since they
  are board B's pages to this person;
- `lead_a_on_b`, agency A's lead on board B only (the police's adults lead, say): board A's records
  answer 404; pages without a record answer as to agency B's lead on board A;
- `two_boards`, board A's chair and board B's business manager: board A's records as the chair,
  pages without a record as board B's manager (B is the board in view: the first of theirs by name).

No page may show any of board A's records to `manager_b` or `lead_a_on_b`.
"""

import pytest
from django.urls import reverse

from reviews import roles
from tests.factories import BoardFactory, UserFactory, give_role
from tests.permission_matrix.fixtures import board_fixture, media_root_fixture  # noqa: F401  (fixtures)
from tests.permission_matrix.matrix import Case, Expected
from tests.permission_matrix.requests import clients_for, observe
from tests.permission_matrix.world import World
from tests.test_permission_matrix import RUN, _url

pytestmark = pytest.mark.django_db

# Pages about the whole deployment, whose record in the URL is no board's: a failed task is the
# worker's (any board's manager retries mail and prints); a list export is its requester's alone; an
# agency is every board's (DESIGN.md §9: agencies are shared).
NO_BOARD = {"board:task-retry", "actions:export", "actions:export-download", "api:agency-detail"}

# Pages of agency A itself, which agency A's lead reads whichever board they lead it on.
LEAD_A_ANYWHERE = {"api:agency-detail"}

# POSTs that write for board A's manager but not for board B's: the form names board A's action (or review),
# which is no choice on board B's form, so the page answers with the form and its error. (A register file
# naming board A's review is refused on board B, row by row.)
NOT_ON_BOARD_B = {"assurance:request-create", "reviews:learning-create", "board:register-import"}


def _has_record(case: Case, world: World) -> bool:
    return bool(case.kwargs(world)) and case.name not in NO_BOARD


def _as_other_board(expected: Expected, case: Case, method: str) -> Expected:
    if method == "post" and case.name in NOT_ON_BOARD_B and expected.writes:
        return Expected(200, False)
    return expected


def expected_for(persona: str, case: Case, method: str, world: World) -> Expected:
    column = case.expected[method]
    record = _has_record(case, world)
    if persona == "scrutineer":
        return column["chair"]
    if persona == "manager_b":
        return column["outsider"] if record else _as_other_board(column["manager"], case, method)
    if persona == "lead_a_on_b":
        if case.name in LEAD_A_ANYWHERE:
            return column["lead_a"]
        return column["outsider"] if record else column["lead_b"]
    if persona == "two_boards":
        return column["chair"] if record else _as_other_board(column["manager"], case, method)
    raise AssertionError(persona)


@pytest.fixture(name="second_board")
def second_board_fixture(board: World, agency_a):
    """Board B, and the four personas of this module."""
    board_b = BoardFactory(slug="board-b", name="Board B Safeguarding Adults Board", short_name="BSAB")
    scrutineer = UserFactory(username="scrutineer", role=roles.INDEPENDENT_SCRUTINEER)
    manager_b = UserFactory(username="manager_b", role=roles.BUSINESS_MANAGER, role__board=board_b)
    lead_a_on_b = UserFactory(username="lead_a_on_b", role=roles.AGENCY_LEAD, role__board=board_b)
    give_role(lead_a_on_b, roles.LEAD, board_b, [agency_a])
    two_boards = UserFactory(username="two_boards", role=roles.SUBGROUP_CHAIR)
    give_role(two_boards, roles.MANAGER, board_b)
    return {"scrutineer": scrutineer, "manager_b": manager_b, "lead_a_on_b": lead_a_on_b, "two_boards": two_boards}


def _board_a_texts(world: World) -> list[str]:
    return [
        world.action_a.description,
        world.action_b.description,
        world.recommendation_a.text,
        world.evidence_a.title,
        world.evidence_b.title,
        world.action_r.description,
        world.review.title,
    ]


@pytest.mark.parametrize("case", RUN, ids=[case.id for case in RUN])
def test_view_answers_the_second_boards_personas(case: Case, board: World, second_board):
    url = _url(case, board)
    clients = clients_for(second_board)
    problems = []
    for method in ("get", "post"):
        for persona, client in clients.items():
            expected = expected_for(persona, case, method, board)
            data = case.data(board) if method == "post" else None
            outcome = observe(client, method, url, data)
            where = f"{method.upper()} {case.id} as {persona}"
            if outcome.error:
                problems.append(f"{where}: raised {outcome.error}")
                continue
            if outcome.status != expected.status:
                problems.append(f"{where}: expected {expected.status}, got {outcome.status}")
            if expected.writes != bool(outcome.changed):
                problems.append(f"{where}: expected writes={expected.writes}, changed {outcome.changed}")
            if persona in ("manager_b", "lead_a_on_b") and outcome.page:
                shown = [text for text in _board_a_texts(board) if text in outcome.page]
                if shown:
                    problems.append(f"{where}: shows board A's records: {shown}")
    assert not problems, f"{url}\n" + "\n".join(problems)


def test_the_scrutineer_sees_and_prints_board_a_but_every_change_page_refuses(board: World, second_board):
    client = clients_for({"scrutineer": second_board["scrutineer"]})["scrutineer"]
    assert board.action_a.description in client.get(reverse("actions:list")).content.decode()
    assert client.get(reverse("board:audit")).status_code == 200
    for name, kwargs in [
        ("actions:edit", {"pk": board.action_a.pk}),
        ("reviews:edit", {"slug": board.review.slug}),
        ("assurance:judgement-create", {"pk": board.action_a.pk}),
    ]:
        assert client.post(reverse(name, kwargs=kwargs), {}).status_code == 403, name


# Asking for an annual report pack of a named board (issue 15): only its manager, chair or scrutineer may; a lead
# of that board, or someone of another board, is told it does not exist. (persona, board, status)
ANNUAL_REPORT_OF = [
    ("scrutineer", "a", 303),
    ("two_boards", "a", 303),  # board A's chair
    ("two_boards", "b", 303),  # board B's manager
    ("manager_b", "b", 303),
    ("manager_b", "a", 404),
    ("lead_a_on_b", "b", 403),  # a lead and nothing else: the page itself is refused
]


@pytest.mark.parametrize("persona, which, status", ANNUAL_REPORT_OF, ids=[f"{p}-{w}" for p, w, _s in ANNUAL_REPORT_OF])
def test_the_annual_report_pack_is_asked_for_by_its_boards_whole_board_roles(
    board: World, second_board, persona, which, status
):
    from assurance.models import AnnualReport
    from tests.factories import first_board

    slug = first_board().slug if which == "a" else "board-b"
    client = clients_for({persona: second_board[persona]})[persona]
    response = client.get(reverse("assurance:annual-report"), {"board": slug, "year": "2025", "format": "pdf"})
    assert response.status_code == status
    asked = AnnualReport.objects.filter(requester=second_board[persona])
    assert list(asked.values_list("board__slug", flat=True)) == ([slug] if status == 303 else [])


def test_a_lead_of_one_board_and_manager_of_another_cannot_ask_for_the_first_boards_pack(
    client, board: World, second_board, agency_a
):
    from tests.factories import first_board

    give_role(second_board["manager_b"], roles.LEAD, first_board(), [agency_a])
    client.force_login(second_board["manager_b"])
    query = {"board": first_board().slug, "year": "2025", "format": "pdf"}
    assert client.get(reverse("assurance:annual-report"), query).status_code == 404
    query["board"] = "board-b"
    assert client.get(reverse("assurance:annual-report"), query).status_code == 303
