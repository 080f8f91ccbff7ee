"""The History pages and the change log cost a fixed number of queries, however long the history."""

import pytest
from django.urls import reverse

from conftest import client_for
from lscb.board.tests.history_data import action_history, board_history
from reviews.models import Membership
from tests.factories import ThemeFactory

SIZES = [5, 50]


@pytest.mark.parametrize("rows", SIZES)
def test_action_history_query_count_does_not_grow(client, manager, action_a, django_assert_num_queries, rows):
    action_history(action_a, manager, rows)
    client_for(client, manager)
    # 1 session, 2 user, 3 user's roles, 4 the action (scoped, with its recommendation and review),
    # 5 count of the merged timeline, 6 the page of the timeline (UNION ALL),
    # 7 progress updates' history rows and their predecessors (with history_user),
    # 8 the action's history rows and their predecessors (with history_user),
    # 9 authors of progress updates, 10 recommendations (with review and agency), 11 agencies.
    with django_assert_num_queries(11):
        response = client.get(reverse("board:action-history", args=[action_a.pk]))
    assert response.status_code == 200
    assert len(response.context["entries"]) == min(rows + 1, 25)


@pytest.mark.parametrize("rows", SIZES)
def test_action_history_costs_an_agency_lead_one_more_query(
    client, manager, lead_a, action_a, django_assert_num_queries, rows
):
    action_history(action_a, manager, rows)
    client_for(client, lead_a)
    # As for the manager: the lead's agencies come with their memberships (one query for every role).
    with django_assert_num_queries(11):
        assert client.get(reverse("board:action-history", args=[action_a.pk])).status_code == 200


@pytest.mark.parametrize("rows", SIZES)
def test_review_history_query_count_does_not_grow(client, manager, review, django_assert_num_queries, rows):
    for n in range(rows):
        review.summary = f"Summary {n}"
        review._history_user = manager
        review.save()
    client_for(client, manager)
    # 1 session, 2 user, 3 memberships, 4 the review, 5 count of its history, 6 the page of its history,
    # 7 the page's history rows and their predecessors (with history_user), 8 their partner boards
    # snapshots, 9 the boards named (the lead board).
    with django_assert_num_queries(9):
        response = client.get(reverse("board:review-history", args=[review.slug]))
    assert len(response.context["entries"]) == min(rows + 1, 25)


@pytest.mark.parametrize("rows", SIZES)
def test_recommendation_history_query_count_does_not_grow(client, manager, action_a, django_assert_num_queries, rows):
    recommendation = action_a.recommendation
    themes = [ThemeFactory(name=f"Theme {n}") for n in range(3)]
    for n in range(rows):
        recommendation._history_user = manager
        if n % 2:
            recommendation.themes.set([themes[n % 3]])
        else:
            recommendation.text = f"Text {n}"
            recommendation.save()
    client_for(client, manager)
    # 1 session, 2 user, 3 roles, 4 the recommendation (scoped, with its review), 5 count, 6 page,
    # 7 history rows and predecessors, 8 their theme snapshots, 9 agencies, 10 themes.
    with django_assert_num_queries(10):
        response = client.get(
            reverse("board:recommendation-history", args=[recommendation.review.slug, recommendation.pk])
        )
    assert len(response.context["entries"]) == min(recommendation.history.count(), 25)
    assert any(change.added for entry in response.context["entries"] for change in entry.changes)


@pytest.mark.parametrize("rows", SIZES)
def test_audit_query_count_does_not_grow(client, manager, action_a, django_assert_num_queries, rows):
    # The persona's own membership is history too; it would sit on the first page of the small board only.
    Membership.history.all().delete()
    board_history(action_a, manager, rows)
    client_for(client, manager)
    # 1 session, 2 user, 3 memberships, 4 count of the UNION ALL over every historical model (each
    # narrowed to the manager's board by subqueries), 5 its page,
    # 6-10 one query per kind of record on the page (rows and predecessors, with history_user):
    #   recommendation, progress update, action, review, agency;
    # 11 recommendation theme snapshots, 12 review partner boards snapshots,
    # 13-18 one in_bulk per related model: reviews, agencies, actions, users, recommendations, boards;
    # 19 the people in the "Changed by" filter.
    with django_assert_num_queries(19):
        response = client.get(reverse("board:audit"))
    assert response.status_code == 200
    assert len(response.context["entries"]) == min(rows + 4, 25)
