"""Query counts of every endpoint, pinned, and the same for 3 rows as for 30 (STYLE.md "Queries").

Signed in by a token, each request first reads the token with its owner (1), marks it used (1) and
logs the use (1, in a savepoint: 3 statements); then the person's roles (1); then the endpoint's own
queries, listed beside each count below.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import client_for
from lscb.platform import api_tokens
from reviews.models import LearningActivity, LearningAttendance, refresh_milestones
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AssuranceJudgementFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

# Endpoint: its own queries (for a manager, after the roles).
ENDPOINTS = {
    "/api/v1/actions/": 2,  # count, the page with recommendation, review and agency joined
    "/api/v1/reviews/": 4,  # count, the page, the reviews in scope converted from and to
    "/api/v1/recommendations/": 3,  # count, the page with review and agency, the page's themes
    "/api/v1/assurance-judgements/": 2,  # count, the page with action, review and who recorded it
    "/api/v1/agencies/": 2,  # count, the page
    "/api/v1/milestones/": 2,  # count, the page with review, rule (and the one it counts from), who recorded it
    "/api/v1/milestones/?state=no_date&state=overdue&kind=scr&kind=cspr": 2,  # the same, filtered
    "/api/v1/learning-activities/": 5,  # count, the page with board and attendance, its attendance, reviews, themes
    "/api/v1/reviews/?board=northbridge-safeguarding-children-partnership": 4,  # the same, one board's
}


def grow(n: int, lead_agency) -> None:
    """n more of everything: reviews with their milestones (each converted from the one before), agencies,
    recommendations with two themes, actions, judgements, learning activities with attendance; half of them for the
    lead's own agency, so the lead's rows grow too."""
    themes = [ThemeFactory(), ThemeFactory()]
    review = None
    for i in range(n):
        agency = lead_agency if i % 2 else AgencyFactory()
        review = ReviewFactory(converted_from=review)  # each converted from the one before
        recommendation = RecommendationFactory(review=review, agency=agency, number=f"{i}.1")
        recommendation.themes.add(*themes)
        AssuranceJudgementFactory(action=ActionFactory(recommendation=recommendation))
        refresh_milestones(review)
        activity = LearningActivity.objects.create(
            board=review.board, kind="event", held_on=timezone.localdate(), title=f"Learning event {i}"
        )
        activity.reviews.add(review)
        activity.themes.add(*themes)
        LearningAttendance.objects.create(activity=activity, agency=agency, attendees=10)


def count_queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return len(queries)


def token_for(user) -> str:
    class Request:
        path = "/accounts/api-tokens/"
        META: dict = {}

    request = Request()
    request.user = user
    return api_tokens.create_token(request, "Queries", timezone.localdate())[1]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_each_endpoint_runs_a_fixed_number_of_queries_whatever_the_rows(url, manager, agency_a):
    raw = token_for(manager)
    client = Client()
    grow(3, agency_a)
    few = count_queries(client, url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    grow(30, agency_a)
    many = count_queries(client, url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert few == many == 5 + 1 + ENDPOINTS[url]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_lead_by_session_runs_a_fixed_number_of_queries_too(url, client, lead_a, agency_a):
    client_for(client, lead_a)
    grow(3, agency_a)
    few = count_queries(client, url)
    grow(30, agency_a)
    # The session (1) and its user (1), the roles (1), the lead's agencies (1), then the endpoint's.
    assert few == count_queries(client, url) == 3 + ENDPOINTS[url]
