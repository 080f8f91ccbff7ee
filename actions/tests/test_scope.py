"""A lead's complete scope: reviews' own data, plus wherever one of their agencies holds an action."""

from actions.scope import recommendations_for, reviews_for
from reviews.models import Recommendation, Review
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory


def test_a_board_wide_recommendation_is_in_scope_for_the_lead_whose_agency_holds_one_of_its_actions(
    lead_a, lead_b, agency_a
):
    review = ReviewFactory(slug="child-w")
    board_wide = RecommendationFactory(review=review, agency=None, number="3.1")
    ActionFactory(recommendation=board_wide, agency=agency_a)
    # reviews' own scope knows nothing of actions...
    assert not Review.objects.for_user(lead_a).exists()
    assert not Recommendation.objects.for_user(lead_a).exists()
    # ...the actions layer adds them, for the lead whose agency holds the action only.
    assert list(reviews_for(lead_a)) == [review]
    assert list(recommendations_for(lead_a)) == [board_wide]
    assert not reviews_for(lead_b).exists() and not recommendations_for(lead_b).exists()


def test_a_lead_sees_a_recommendation_addressed_to_their_agency_before_it_has_actions(lead_a, agency_a):
    recommendation = RecommendationFactory(review=ReviewFactory(slug="child-v"), agency=agency_a, number="1.1")
    assert list(recommendations_for(lead_a)) == [recommendation]
    assert list(reviews_for(lead_a)) == [recommendation.review]


def test_the_board_sees_every_review_and_recommendation(manager, chair, action_a, action_b):
    for user in (manager, chair):
        assert reviews_for(user).count() == 1 and recommendations_for(user).count() == 2
