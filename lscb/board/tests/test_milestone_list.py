"""/milestones/ (DESIGN.md §10): the milestones of the reviews the register shows the person, across reviews,
filtered by lscb.board.filters.MilestoneFilterSet and sorted by the date due."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from reviews import clocks
from reviews.models import Milestone, MilestoneRule, Review, refresh_milestones
from tests.factories import BoardFactory, RecommendationFactory, ReviewFactory, give_role

pytestmark = pytest.mark.django_db
URL = "/milestones/"


@pytest.fixture
def deadlines(agency_a, agency_b, manager):
    """A rapid review overdue (agency A's), one due soon (agency B's), a practice review with its dates far off."""
    today = timezone.localdate()
    late = ReviewFactory(kind=Review.Kind.RAPID, slug="rr-late", title="Late rapid review",
                         aware_on=clocks.add_working_days(today, -20))  # fmt: skip
    soon = ReviewFactory(kind=Review.Kind.RAPID, slug="rr-soon", title="Soon rapid review",
                         aware_on=clocks.add_working_days(today, -2))  # fmt: skip
    later = ReviewFactory(kind=Review.Kind.CSPR, slug="cspr-later", title="Later practice review", decision_on=today)
    RecommendationFactory(review=late, agency=agency_a, number="1")
    RecommendationFactory(review=soon, agency=agency_b, number="1")
    for review in (late, soon, later):
        refresh_milestones(review)
    done = Milestone.objects.filter(review=late).order_by("order").first()
    done.done_on, done.recorded_by = done.due_on + datetime.timedelta(days=1), manager
    done.save()
    return {"late": late, "soon": soon, "later": later}


def shown(response) -> list[Milestone]:
    assert response.status_code == 200
    return list(response.context["milestones"])


def expected_states(milestones, *states) -> list[int]:
    return sorted(m.pk for m in milestones if m.state in states)


def test_the_list_holds_every_milestone_of_the_boards_reviews_open_ones_first_soonest_due_first(
    client, manager, deadlines
):
    response = client_for(client, manager).get(URL)
    rows = shown(response)
    assert len(rows) == Milestone.objects.count() == response.context["paginator"].count
    open_rows = [m for m in rows if m.done_on is None]
    assert rows[: len(open_rows)] == open_rows and rows[-1].done_on is not None  # what needs doing comes first
    dated = [m.due_on for m in open_rows if m.due_on]
    assert dated == sorted(dated) and all(m.due_on is None for m in open_rows[len(dated) :])
    html = response.content.decode()
    assert 'href="/reviews/rr-late/#milestones"' in html
    assert "Done late" in html and "Morgan" in html  # the state's tag and who recorded it
    assert f"{len(rows)} milestones" in html


def test_a_lead_sees_the_milestones_of_the_reviews_the_register_shows_them(client, lead_a, deadlines):
    client = client_for(client, lead_a)
    register = {r.pk for r in client.get(reverse("board:reviews")).context["paginator"].object_list}
    rows = shown(client.get(URL))
    assert {m.review_id for m in rows} == register == {deadlines["late"].pk}


@pytest.mark.parametrize(
    "query, states",
    [
        ("state=overdue", ["overdue"]),
        ("state=due_soon&state=on_time", ["due_soon", "on_time"]),
        ("state=done_late", ["done_late"]),
        ("state=no_date", ["no_date"]),
    ],
)
def test_the_state_filter_holds_the_milestones_whose_tag_it_names(client, manager, deadlines, query, states):
    rows = shown(client_for(client, manager).get(f"{URL}?{query}"))
    assert rows and sorted(m.pk for m in rows) == expected_states(Milestone.objects.all(), *states)


def test_review_kind_and_date_filters_narrow_the_list(client, manager, deadlines):
    client = client_for(client, manager)
    assert {m.review.slug for m in shown(client.get(f"{URL}?review=rr-soon"))} == {"rr-soon"}
    assert {m.review.slug for m in shown(client.get(f"{URL}?kind=cspr"))} == {"cspr-later"}
    late = Milestone.objects.filter(review=deadlines["late"]).order_by("order").first()
    day = {"day": late.done_on.day, "month": late.done_on.month, "year": late.done_on.year}
    by_parts = {f"done_after_{part}": value for part, value in day.items()}  # the GOV.UK date input's three boxes
    by_parts["done_before"] = late.done_on.isoformat()  # a bookmarked address's one value
    assert [m.pk for m in shown(client.get(URL, by_parts))] == [late.pk]
    first, last = late.due_on, late.due_on + datetime.timedelta(days=3)
    query = f"due_after={first.isoformat()}&due_before={last.isoformat()}"
    expected = sorted(m.pk for m in Milestone.objects.all() if m.due_on and first <= m.due_on <= last)
    assert sorted(m.pk for m in shown(client.get(f"{URL}?{query}"))) == expected


@pytest.mark.parametrize(
    "query, message",
    [
        ("review=no-such-review", "There is no review “no-such-review” that you can see"),
        ("state=late", "“late” is not a milestone state"),
        ("kind=film", "“film” is not a kind of review"),
        ("due_after=31/02/2026", "Due on or after must be a real date"),
    ],
)
def test_a_bad_filter_is_reported_and_lists_nothing(client, manager, deadlines, query, message):
    response = client_for(client, manager).get(f"{URL}?{query}")
    assert shown(response) == []
    assert message in response.content.decode()
    assert "<title>Error: Milestones" in response.content.decode()


def test_a_review_out_of_the_persons_scope_is_no_choice_and_lists_nothing(client, lead_a, deadlines):
    response = client_for(client, lead_a).get(f"{URL}?review=rr-soon")
    assert shown(response) == []
    assert "There is no review “rr-soon” that you can see" in response.content.decode()


def test_board_chooses_the_board_in_view_and_another_boards_review_lists_nothing(client, manager, deadlines):
    board_b = BoardFactory(slug="board-b")
    give_role(manager, "manager", board_b)
    theirs = ReviewFactory(board=board_b, kind=Review.Kind.RAPID, slug="rr-b", aware_on=timezone.localdate())
    refresh_milestones(theirs)
    client = client_for(client, manager)
    assert {m.review.slug for m in shown(client.get(f"{URL}?board=board-b"))} == {"rr-b"}
    assert shown(client.get(f"{URL}?review=rr-late")) == []  # board B is in view now
    assert client.get(f"{URL}?board=no-such-board").status_code == 404


def test_the_csv_holds_every_row_of_the_filtered_list(client, manager, deadlines):
    client = client_for(client, manager)
    response = client.get(f"{URL}?state=overdue&export=csv")
    assert "_milestones-" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:4] == ["Review reference", "Review", "Web address name", "Milestone"]
    assert {line[8 - 1] for line in lines[1:]} == {"Overdue"}
    assert len(lines) - 1 == len(shown(client.get(f"{URL}?state=overdue")))
    assert client.get(f"{URL}?export=pdf").status_code == 400


def _more_milestones(review: Review, count: int, recorded_by) -> None:
    for n in range(count):
        rule = MilestoneRule.objects.create(kind=review.kind, key=f"local-{n}", name=f"Local target {n}", order=50 + n)
        Milestone.objects.create(review=review, rule=rule, name=rule.name, due_on=datetime.date(2026, 1, 1 + n % 28),
                                 done_on=datetime.date(2026, 2, 1), recorded_by=recorded_by)  # fmt: skip


@pytest.mark.parametrize("persona", ["manager", "lead_a"])
def test_the_list_takes_the_same_queries_for_3_rows_and_30(client, personas, agency_a, persona,
                                                          django_assert_num_queries):  # fmt: skip
    review = ReviewFactory(kind=Review.Kind.SCR, slug="many")
    RecommendationFactory(review=review, agency=agency_a, number="1")
    _more_milestones(review, 3, personas["manager"])
    client = client_for(client, personas[persona])
    client.get(URL)  # the session's board and caches settle
    with django_assert_num_queries(QUERIES[persona]) as first:
        assert len(shown(client.get(URL))) == 3
    _more_milestones(ReviewFactory(kind=Review.Kind.CSPR, slug="more", board=review.board), 27, personas["manager"])
    RecommendationFactory(review=Review.objects.get(slug="more"), agency=agency_a, number="1")
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(shown(client.get(URL))) == 30


QUERIES = {"manager": 6, "lead_a": 6}
