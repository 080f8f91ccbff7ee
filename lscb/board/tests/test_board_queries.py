"""The cost of boards (issue 13): the action list, the dashboard, the register and a review page make
the same number of queries whether the deployment has one board or five, and whether the person sits
on one board or on five."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from reviews import roles
from tests.factories import ActionFactory, BoardFactory, RecommendationFactory, ReviewFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db

PAGES = ["actions:list", "board:dashboard", "board:reviews", "board:review"]


def a_board_with_work(board, agency, n: int):
    review = ReviewFactory(board=board, slug=f"{board.slug}-review", subject=f"Child {n}")
    for number in ("1.1", "1.2"):
        ActionFactory(recommendation=RecommendationFactory(review=review, agency=agency, number=number))
    return review


def queries(client, name: str, review) -> int:
    url = reverse(name, args=[review.slug]) if name == "board:review" else reverse(name)
    client.get(url)  # warm: the first request of a session reads more
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def counts(client, review) -> dict[str, int]:
    return {name: queries(client, name, review) for name in PAGES}


@pytest.mark.parametrize("role", [roles.MANAGER, roles.LEAD])
def test_query_counts_do_not_grow_with_the_boards_of_the_deployment(client, agency_a, role):
    first = BoardFactory(slug="first", name="First Safeguarding Children Partnership")
    user = UserFactory(username="viewer")
    give_role(user, role, first, [agency_a] if role == roles.LEAD else ())
    review = a_board_with_work(first, agency_a, 0)
    client = client_for(client, user)
    one = counts(client, review)
    for n in range(1, 5):  # four more boards, each with its own work and members on it
        other = BoardFactory(slug=f"other-{n}")
        a_board_with_work(other, agency_a, n)
        give_role(UserFactory(username=f"member-{n}"), roles.LEAD, other, [agency_a])
    five = counts(client, review)
    assert five == one
    assert one == PINNED_ONE_BOARD[role]


@pytest.mark.parametrize("role", [roles.MANAGER, roles.LEAD])
def test_query_counts_do_not_grow_with_the_persons_memberships(client, agency_a, role):
    boards = [BoardFactory(slug=f"board-{n}", name=f"Board {n} Safeguarding Adults Board") for n in range(5)]
    reviews = [a_board_with_work(board, agency_a, n) for n, board in enumerate(boards)]
    two_of_them = UserFactory(username="on-two")
    five_of_them = UserFactory(username="on-five")
    for board in boards[:2]:
        give_role(two_of_them, role, board, [agency_a] if role == roles.LEAD else ())
    for board in boards:
        give_role(five_of_them, role, board, [agency_a] if role == roles.LEAD else ())
    on_two = counts(client_for(client, two_of_them), reviews[0])
    on_five = counts(client_for(client, five_of_them), reviews[0])
    assert on_five == on_two


# session, user, memberships (one query, with the boards' names); then each page's own queries (the
# dashboard's figures come from the cache after the warming request: the generations, the deadlines
# panel or a lead's agencies' names, and the overdue impact evaluations, which are read fresh; the
# register adds its reviews' open milestones; the review page its milestones and learning activities).
PINNED_ONE_BOARD = {
    roles.MANAGER: {"actions:list": 9, "board:dashboard": 7, "board:reviews": 7, "board:review": 10},
    roles.LEAD: {"actions:list": 9, "board:dashboard": 7, "board:reviews": 7, "board:review": 10},
}
