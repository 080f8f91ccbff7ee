"""Who may read the History pages and the change log: every view × every persona × GET and POST."""

import pytest
from django.urls import reverse

from conftest import client_for
from lscb.platform.history import audited_history_models

SIGNED_OUT = "anonymous"
IN_SCOPE = {"manager", "chair", "lead_a"}


def history_rows() -> int:
    return sum(model._default_manager.count() for model in audited_history_models())


def url_for(view: str, action) -> str:
    recommendation = action.recommendation
    review = recommendation.review
    return {
        "board:action-history": reverse("board:action-history", args=[action.pk]),
        "board:review-history": reverse("board:review-history", args=[review.slug]),
        "board:recommendation-history": reverse("board:recommendation-history", args=[review.slug, recommendation.pk]),
        "board:audit": reverse("board:audit"),
    }[view]


def expected_get(view: str, persona: str) -> int:
    if persona == SIGNED_OUT:
        return 302
    if view == "board:audit":
        return 200 if persona in {"manager", "chair"} else 403
    # Out of scope answers 404, so that ids cannot be probed.
    return 200 if persona in IN_SCOPE else 404


VIEWS = ["board:action-history", "board:review-history", "board:recommendation-history", "board:audit"]
PERSONAS = ["manager", "chair", "lead_a", "lead_b", "outsider", SIGNED_OUT]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", VIEWS)
def test_get_answers_by_role_and_scope(client, personas, action_a, view, persona):
    response = client_for(client, personas[persona]).get(url_for(view, action_a))
    assert response.status_code == expected_get(view, persona)
    if persona == SIGNED_OUT:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", VIEWS)
def test_post_is_refused_and_changes_nothing(client, personas, action_a, view, persona):
    before = (history_rows(), action_a.updated_at, action_a.status)
    response = client_for(client, personas[persona]).post(url_for(view, action_a), {"status": "embedded"})
    if persona == SIGNED_OUT:
        assert response.status_code == 302
    elif view == "board:audit" and persona not in {"manager", "chair"}:
        assert response.status_code == 403
    else:
        # Read-only pages: the method is not allowed, whoever asks.
        assert response.status_code == 405
    action_a.refresh_from_db()
    assert (history_rows(), action_a.updated_at, action_a.status) == before


def test_agency_lead_reads_a_review_history_once_their_agency_has_an_action_in_it(client, lead_b, action_a, action_b):
    review = action_a.recommendation.review
    assert client_for(client, lead_b).get(reverse("board:review-history", args=[review.slug])).status_code == 200
    other_recommendation = action_a.recommendation
    url = reverse("board:recommendation-history", args=[review.slug, other_recommendation.pk])
    assert client.get(url).status_code == 404


def test_recommendation_history_needs_the_right_review_in_the_address(client, manager, action_a):
    url = reverse("board:recommendation-history", args=["not-this-review", action_a.recommendation.pk])
    assert client_for(client, manager).get(url).status_code == 404
