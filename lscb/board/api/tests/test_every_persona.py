"""Every endpoint × every persona of the permission matrix, board B's included: the rows the page shows (issue 17).

Two boards: board A (the first) holds child-q (agencies A and B) and child-r (agency A), a briefing on child-r
that agency A attended and an event on child-q that agency B attended; board B holds child-b (agency A) and a
forum that agency A attended. The personas are the matrix's (tests/test_permission_matrix_boards.py): board A's
manager, chair, two leads, scrutineer and an outsider; board B's manager; agency A's lead on board B only; and
board A's chair who is board B's manager.

With `?board=<slug>` an endpoint lists exactly the rows of the page with that board in view; without it, the
rows of all the person's boards (the pages' rows board by board, together).
"""

import datetime

import pytest

from actions import scope
from assurance.models import AssuranceJudgement
from conftest import client_for
from reviews import roles
from reviews.models import LearningActivity, LearningAttendance, Review, refresh_milestones
from tests.factories import (
    ActionFactory,
    AssuranceJudgementFactory,
    BoardFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
    UserFactory,
    first_board,
    give_role,
)

pytestmark = pytest.mark.django_db

PERSONAS = (
    "manager",
    "chair",
    "lead_a",
    "lead_b",
    "outsider",
    "scrutineer",
    "manager_b",
    "lead_a_on_b",
    "two_boards",
)


def _activity(board, kind: str, title: str, review: Review, agency, attendees: int, theme) -> LearningActivity:
    activity = LearningActivity.objects.create(
        board=board, kind=kind, held_on=datetime.date(2026, 3, 1 + attendees % 20), title=title
    )
    activity.reviews.add(review)
    activity.themes.add(theme)
    LearningAttendance.objects.create(activity=activity, agency=agency, attendees=attendees)
    return activity


@pytest.fixture
def two_boards(personas, review, agency_a, agency_b, action_a, action_b):
    board_a = first_board()
    board_b = BoardFactory(slug="board-b", name="Board B Safeguarding Adults Board", short_name="BSAB")
    review_r = ReviewFactory(slug="child-r", subject="Child R", title="Child R: rapid review", kind=Review.Kind.RAPID)
    review_r.aware_on = datetime.date(2026, 1, 5)
    review_r.save()
    action_r = ActionFactory(recommendation=RecommendationFactory(review=review_r, agency=agency_a, number="1.1"))
    review_b = ReviewFactory(board=board_b, slug="child-b", subject="Adult B", title="Adult B: SAR", kind="sar")
    action_on_b = ActionFactory(recommendation=RecommendationFactory(review=review_b, agency=agency_a, number="1.1"))
    for action in (action_a, action_b, action_on_b):
        AssuranceJudgementFactory(action=action)
    for each in (review, review_r, review_b):
        refresh_milestones(each)
    theme = ThemeFactory(name="Information sharing")
    _activity(board_a, "briefing", "Child R briefing", review_r, agency_a, 20, theme)
    _activity(board_a, "event", "Child Q learning event", review, agency_b, 35, theme)
    _activity(board_b, "forum", "Adult B forum", review_b, agency_a, 12, theme)
    cast = dict(personas)
    del cast["anonymous"]
    cast["scrutineer"] = UserFactory(username="scrutineer", role=roles.INDEPENDENT_SCRUTINEER)
    cast["manager_b"] = UserFactory(username="manager_b", role=roles.BUSINESS_MANAGER, role__board=board_b)
    cast["lead_a_on_b"] = UserFactory(username="lead_a_on_b")
    give_role(cast["lead_a_on_b"], roles.LEAD, board_b, [agency_a])
    cast["two_boards"] = UserFactory(username="two_boards", role=roles.SUBGROUP_CHAIR)
    give_role(cast["two_boards"], roles.MANAGER, board_b)
    assert action_r.pk
    return cast


def api_rows(client, url: str, key: str = "id") -> list:
    response = client.get(url + ("&" if "?" in url else "?") + "page_size=500")
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


def boards_of(user) -> list[str]:
    return [seat.slug for seat in roles.scope_of(user).boards]


# What the page shows the person with `?board=<slug>` in view: (page, the rows' ids) for each endpoint.
def actions_page(client, user, board: str) -> list:
    return [action.pk for action in client.get("/actions/", {"board": board}).context["actions"]]


def reviews_page(client, user, board: str) -> list:
    return [review.slug for review in client.get("/reviews/", {"board": board}).context["reviews"]]


def milestones_page(client, user, board: str) -> list:
    """Each review's page lists its milestones; the register says which reviews, in the API's order."""
    reviews = client.get("/reviews/", {"board": board}).context["reviews"]
    shown = []
    for review in sorted(reviews, key=lambda r: (r.commissioned_on or datetime.date.min, r.pk)):
        shown += [m.pk for m in client.get(f"/reviews/{review.slug}/", {"board": board}).context["milestones"]]
    return shown


def learning_page(client, user, board: str) -> list:
    return [activity.pk for activity in client.get("/learning/", {"board": board}).context["activities"]]


def recommendations_scope(client, user, board: str) -> list:
    """No page lists recommendations across reviews: the scope every recommendation page uses, board in view."""
    return sorted(scope.recommendations_for(user).on_boards([_board_id(user, board)]).values_list("pk", flat=True))


def judgements_scope(client, user, board: str) -> list:
    return sorted(
        AssuranceJudgement.objects.for_user(user).on_boards([_board_id(user, board)]).values_list("pk", flat=True)
    )


def _board_id(user, slug: str) -> int:
    return next(seat.pk for seat in roles.scope_of(user).boards if seat.slug == slug)


ENDPOINTS = {
    "/api/v1/actions/": (actions_page, "id", True),
    "/api/v1/reviews/": (reviews_page, "slug", True),
    "/api/v1/milestones/": (milestones_page, "id", True),
    "/api/v1/learning-activities/": (learning_page, "id", True),
    "/api/v1/recommendations/": (recommendations_scope, "id", False),
    "/api/v1/assurance-judgements/": (judgements_scope, "id", False),
}


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_endpoint_lists_the_rows_of_the_page_with_the_board_in_view(client, two_boards, persona, url):
    user = two_boards[persona]
    client_for(client, user)
    page, key, ordered = ENDPOINTS[url]
    every_board = []
    for slug in boards_of(user):
        on_page = page(client, user, slug)
        listed = api_rows(client, f"{url}?board={slug}", key)
        assert (listed if ordered else sorted(listed)) == on_page, (persona, slug)
        every_board += on_page
    assert sorted(api_rows(client, url, key), key=str) == sorted(set(every_board), key=str)


EXPECTED_COUNTS = {
    # persona: (actions, reviews, milestones' reviews, learning activities) over all their boards
    "manager": (3, 2, 2, 2),
    "chair": (3, 2, 2, 2),
    "scrutineer": (3, 2, 2, 2),
    "lead_a": (2, 2, 2, 2),
    "lead_b": (1, 1, 1, 1),
    "outsider": (0, 0, 0, 0),
    "manager_b": (1, 1, 1, 1),
    "lead_a_on_b": (1, 1, 1, 1),
    "two_boards": (4, 3, 3, 3),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_counts_are_what_each_persona_is_entitled_to(client, two_boards, persona):
    """A guard on the fixture: the comparison above is not between two empty lists."""
    client_for(client, two_boards[persona])
    milestones = client.get("/api/v1/milestones/").json()["results"]
    counts = (
        client.get("/api/v1/actions/").json()["count"],
        client.get("/api/v1/reviews/").json()["count"],
        len({row["review"] for row in milestones}),
        client.get("/api/v1/learning-activities/").json()["count"],
    )
    assert counts == EXPECTED_COUNTS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_agencies_on_a_board_are_those_the_person_sees_there(client, two_boards, persona, agency_a, agency_b):
    user = two_boards[persona]
    client_for(client, user)
    whole = roles.scope_of(user).whole_boards
    for seat in roles.scope_of(user).boards:
        listed = set(api_rows(client, f"/api/v1/agencies/?board={seat.slug}"))
        if seat.pk in whole:
            assert listed == {agency_a.pk, agency_b.pk}
        else:
            assert listed == set(roles.lead_agency_ids(user, {seat.pk}))
    offered = {int(pk) for pk, _ in client.get("/actions/").context["form"].fields["agency"].widget.choices}
    assert set(api_rows(client, "/api/v1/agencies/")) == offered


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_learning_activitys_attendance_and_reviews_are_those_on_its_page(client, two_boards, persona):
    client_for(client, two_boards[persona])
    for row in client.get("/api/v1/learning-activities/").json()["results"]:
        page = client.get(f"/learning/{row['id']}/").context
        assert [(a["agency"], a["attendees"]) for a in row["attendance"]] == [
            (attendance.agency_id, attendance.attendees) for attendance, _, _ in page["rows"]
        ]
        assert sorted(row["reviews"]) == sorted(review.slug for review in page["reviews"])
        assert row["themes"] == ["Information sharing"]


@pytest.mark.parametrize("endpoint", ["actions", "reviews", "milestones", "learning-activities", "agencies"])
def test_a_board_the_person_is_not_on_is_a_400_naming_board(client, two_boards, endpoint):
    client_for(client, two_boards["manager_b"])
    for slug in (first_board().slug, "no-such-board"):
        response = client.get(f"/api/v1/{endpoint}/?board={slug}")
        assert response.status_code == 400
        assert response.json() == {"board": [f"You are on no board “{slug}”"]}


def test_one_record_of_another_board_is_a_404_with_that_board_named(client, two_boards):
    client_for(client, two_boards["two_boards"])
    review_b = Review.objects.get(slug="child-b")
    assert client.get("/api/v1/reviews/child-b/").status_code == 200
    assert client.get(f"/api/v1/reviews/child-b/?board={first_board().slug}").status_code == 404
    milestone = review_b.milestones.first()
    assert client.get(f"/api/v1/milestones/{milestone.pk}/?board=board-b").status_code == 200
    assert client.get(f"/api/v1/milestones/{milestone.pk}/?board={first_board().slug}").status_code == 404
