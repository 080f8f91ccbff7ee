import pytest

from reviews.models import Agency, Recommendation, Review, natural_sort_key
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory, make_lead


def test_natural_sort_key_orders_numbers_as_people_read_them():
    numbers = ["6.10", "6.9", "10.1", "6.4", "1.1.", "2", "6.4a", "6.4.1"]
    assert sorted(numbers, key=natural_sort_key) == ["1.1.", "2", "6.4", "6.4.1", "6.4a", "6.9", "6.10", "10.1"]


def test_recommendations_come_back_in_natural_order(review, agency_a):
    for number in ["6.10", "6.9", "10.1", "6.2"]:
        RecommendationFactory(review=review, agency=agency_a, number=number)
    assert list(review.recommendations.values_list("number", flat=True)) == ["6.2", "6.9", "6.10", "10.1"]


def test_recommendation_number_is_unique_within_a_review(review, agency_a):
    from django.db import IntegrityError, transaction

    RecommendationFactory(review=review, agency=agency_a, number="3.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        RecommendationFactory(review=review, agency=agency_a, number="3.1")
    other = ReviewFactory()
    RecommendationFactory(review=other, agency=agency_a, number="3.1")  # another review may reuse it
    assert Recommendation.objects.filter(number="3.1").count() == 2


def test_board_wide_recommendation_needs_no_agency(review):
    rec = Recommendation.objects.create(review=review, number="9.1", text="The board should write to the panel.")
    action = ActionFactory(recommendation=rec, agency=None)
    assert rec.agency is None and action.agency is None


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("manager", {"child-q", "other"}),
        ("chair", {"child-q", "other"}),
        ("lead_a", {"child-q"}),
        ("lead_b", {"other"}),
        ("outsider", set()),
    ],
)
def test_reviews_are_scoped_by_role(personas, persona, expected, review, agency_a, agency_b):
    ActionFactory(recommendation=RecommendationFactory(review=review, agency=agency_a))
    other = ReviewFactory(slug="other")
    ActionFactory(recommendation=RecommendationFactory(review=other, agency=agency_b))
    user = personas[persona]
    assert set(Review.objects.for_user(user).values_list("slug", flat=True)) == expected


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("manager", {"A", "B"}),
        ("chair", {"A", "B"}),
        ("lead_a", {"A"}),
        ("lead_b", {"B"}),
        ("outsider", set()),
    ],
)
def test_agencies_are_scoped_by_role(personas, persona, expected, agency_a, agency_b):
    names = {agency_a.pk: "A", agency_b.pk: "B"}
    assert {names[a.pk] for a in Agency.objects.for_user(personas[persona])} == expected


def test_lead_of_two_agencies_sees_both(lead_a, agency_b, action_a, action_b):
    make_lead(lead_a, agency_b)
    from actions.models import Action

    assert set(Action.objects.for_user(lead_a)) == {action_a, action_b}


def test_inactive_lead_sees_nothing(lead_a, action_a):
    from actions.models import Action

    lead_a.is_active = False
    lead_a.save()
    assert not Action.objects.for_user(lead_a).exists()


def test_the_record_of_plan_imports_is_the_boards_and_no_leads(review, manager, chair, lead_a):
    from reviews.models import PlanImport

    PlanImport.objects.create(review=review, imported_by=manager, file_name="plan.csv", sha256="0" * 64)
    assert PlanImport.objects.for_user(manager).count() == PlanImport.objects.for_user(chair).count() == 1
    assert not PlanImport.objects.for_user(lead_a).exists()
