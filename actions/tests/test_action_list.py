"""The action list's filters (DESIGN.md §8), sorting, pagination and query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.choices import ActionStatus, AssuranceLevel
from conftest import client_for
from tests.factories import (
    ActionFactory,
    EvidenceFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
)


@pytest.fixture
def board(review, agency_a, agency_b):
    """Four actions in two reviews that each filter tells apart."""
    today = timezone.localdate()
    info, supervision = ThemeFactory(name="Information sharing"), ThemeFactory(name="Supervision")
    family_r = ReviewFactory(slug="family-r", subject="Family R", title="Family R: learning review")

    def action(rev, agency, number, text, themes, **fields):
        rec = RecommendationFactory(review=rev, agency=agency, number=number, text=text)
        rec.themes.set(themes)
        return ActionFactory(recommendation=rec, **fields)

    a1 = action(
        review, agency_a, "1.1", "Practitioners should see the child alone.", [info],
        description="Revise the home visit template.", status=ActionStatus.IN_PROGRESS,
        due_date=today - datetime.timedelta(days=3),
    )  # fmt: skip
    a2 = action(
        review, agency_b, "2.1", "Check every adult in the household.", [supervision],
        description="Amend the triage checklist.", status=ActionStatus.COMPLETED, progress="Checklist amended in June.",
        due_date=today + datetime.timedelta(days=10), assurance_level=AssuranceLevel.ASSURED,
    )  # fmt: skip
    a3 = action(
        family_r, agency_a, "1.1", "Escalate concerns when partners disagree.", [info, supervision],
        description="Publish an escalation policy.", status=ActionStatus.ON_HOLD, due_date=None,
        status_reason="Waiting for the new policy framework.",
    )  # fmt: skip
    a4 = action(
        family_r, agency_b, "1.2", "Ask about fathers and significant males.", [],
        description="Add a household members question.", status=ActionStatus.EMBEDDED,
        due_date=today + datetime.timedelta(days=100), assurance_level=AssuranceLevel.PARTIAL,
    )  # fmt: skip
    EvidenceFactory(action=a3, title="Supervision audit results")
    EvidenceFactory(action=a1, title="Withdrawn spreadsheet", withdrawn=True)
    ProgressUpdateFactory(action=a4, text="Training delivered to every team.")
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "info": info, "supervision": supervision}


def shown(client, user, query: str) -> list:
    response = client_for(client, user).get(reverse("actions:list") + query)
    assert response.status_code == 200
    return response


def names(board, response) -> list[str]:
    by_pk = {action.pk: name for name, action in board.items() if name.startswith("a")}
    return sorted(by_pk[action.pk] for action in response.context["actions"])


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["a1", "a2", "a3", "a4"]),
        ("?review=child-q", ["a1", "a2"]),
        ("?review=family-r", ["a3", "a4"]),
        ("?status=in_progress", ["a1"]),
        ("?status=on_hold&status=embedded", ["a3", "a4"]),
        ("?rag=red", ["a1"]),
        ("?rag=amber", ["a3"]),
        ("?rag=green&rag=blue", ["a2", "a4"]),
        ("?assurance=assured", ["a2"]),
        ("?assurance=partial&assurance=awaiting", ["a1", "a3", "a4"]),
        ("?due_after={today}", ["a2", "a4"]),
        ("?due_before={today}", ["a1"]),
        ("?due_after={today}&due_before={in_30_days}", ["a2"]),
        ("?overdue=1", ["a1"]),
        ("?q=visit+template", ["a1"]),
        ("?q=ESCALATE", ["a3"]),
        ("?q=checklist+amended", ["a2"]),
        ("?q=training+delivered", ["a4"]),
        ("?q=supervision+audit", ["a3"]),
        ("?q=withdrawn+spreadsheet", []),
        ("?review=family-r&status=embedded&q=household", ["a4"]),
    ],
)
def test_each_filter_returns_the_right_actions(client, manager, board, query, expected):
    today = timezone.localdate()  # at test time: parameters are built when the module is imported
    query = query.format(today=today.isoformat(), in_30_days=(today + datetime.timedelta(days=30)).isoformat())
    assert names(board, shown(client, manager, query)) == expected


def test_agency_and_theme_filters_take_ids_and_never_repeat_a_row(client, manager, board, agency_a, agency_b):
    info, supervision = board["info"].pk, board["supervision"].pk
    assert names(board, shown(client, manager, f"?agency={agency_a.pk}")) == ["a1", "a3"]
    assert names(board, shown(client, manager, f"?agency={agency_a.pk}&agency={agency_b.pk}")) == [
        "a1",
        "a2",
        "a3",
        "a4",
    ]
    assert names(board, shown(client, manager, f"?theme={info}")) == ["a1", "a3"]
    # a3's recommendation has both themes: it still appears once.
    response = shown(client, manager, f"?theme={info}&theme={supervision}")
    assert names(board, response) == ["a1", "a2", "a3"]
    assert response.context["paginator"].count == 3


@pytest.mark.parametrize(
    "query, message",
    [
        ("?status=finished", "“finished” is not an action status"),
        ("?rag=purple", "“purple” is not a RAG colour"),
        ("?assurance=maybe", "“maybe” is not an assurance level"),
        ("?review=no-such-review", "There is no review “no-such-review” that you can see"),
        ("?agency=abc", "There is no agency “abc” that you can see"),
        ("?agency=999999", "There is no agency “999999” that you can see"),
        ("?theme=x1", "There is no learning theme “x1”"),
        ("?due_after=31-31-2026", "Due on or after must be a real date"),
        ("?due_before=tomorrow", "Due on or before must be a real date"),
        ("?overdue=yes", "Overdue can only be 1"),
        ("?sort=colour", "“colour” is not a way to sort the list"),
        ("?status=in_progress&status=finished", "“finished” is not an action status"),
    ],
)
def test_invalid_filter_input_is_reported_and_shows_no_rows(client, manager, board, query, message):
    response = shown(client, manager, query)
    html = response.content.decode()
    assert list(response.context["actions"]) == []
    assert "govuk-error-summary" in html and message in html
    assert "No actions are shown until the filters are corrected" in html


def test_a_lead_is_scoped_before_filtering(client, lead_a, board, agency_b):
    assert names(board, shown(client, lead_a, "")) == ["a1", "a3"]
    assert names(board, shown(client, lead_a, "?q=checklist")) == []
    response = shown(client, lead_a, f"?agency={agency_b.pk}")
    assert list(response.context["actions"]) == []
    assert "There is no agency" in response.content.decode()


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("", ["a1", "a2", "a3", "a4"]),
        ("-number", ["a4", "a3", "a2", "a1"]),
        ("due", ["a1", "a2", "a4", "a3"]),
        ("-due", ["a4", "a2", "a1", "a3"]),
        ("status", ["a1", "a3", "a2", "a4"]),
        ("-status", ["a4", "a2", "a3", "a1"]),
        ("agency", ["a1", "a3", "a2", "a4"]),
    ],
)
def test_the_list_sorts_by_number_due_date_status_and_agency(client, manager, board, sort, expected):
    # The board fixture's reviews share a commission date, so number order is by review then number.
    response = shown(client, manager, f"?sort={sort}" if sort else "")
    by_pk = {action.pk: name for name, action in board.items() if name.startswith("a")}
    assert [by_pk[action.pk] for action in response.context["actions"]] == expected


def test_the_list_is_paginated_with_a_count_and_keeps_filters_in_page_links(client, manager, review, agency_a):
    for _ in range(60):
        ActionFactory(recommendation__review=review, recommendation__agency=agency_a, status=ActionStatus.IN_PROGRESS)
    response = shown(client, manager, "?status=in_progress&page=2")
    html = response.content.decode()
    assert response.context["paginator"].count == 60
    assert len(response.context["actions"]) == 10
    assert "In progress: 60 actions" in html
    assert 'href="?status=in_progress&amp;page=1"' in html
    assert shown(client, manager, "?page=zzz").context["page_obj"].number == 1


def make_actions(review, agencies, n: int, theme) -> None:
    for i in range(n):
        rec = RecommendationFactory(review=review, agency=agencies[i % 2], number=f"{i // 4 + 1}.{i % 4 + 1}")
        rec.themes.add(theme)
        ActionFactory(recommendation=rec)


@pytest.mark.parametrize("n", [5, 50])
def test_the_action_list_query_count_does_not_grow_with_the_rows(
    client, manager, review, agency_a, agency_b, django_assert_num_queries, n
):
    theme = ThemeFactory(name="Supervision")
    make_actions(review, [agency_a, agency_b], n, theme)
    client = client_for(client, manager)
    # session, user, the user's roles; count; the page's ids in order; the page's rows (with
    # recommendation, review and agency); the filter panel's reviews, agencies and themes.
    with django_assert_num_queries(9):
        client.get(reverse("actions:list"))
    # The same, plus one query each to check the review slug, the agency ids and the theme ids.
    query = f"?review={review.slug}&agency={agency_a.pk}&theme={theme.pk}&status=in_progress&rag=green&q=action"
    with django_assert_num_queries(12):
        response = client.get(reverse("actions:list") + query)
    assert response.context["filterset"].is_valid()
    assert len(response.context["actions"]) == (n + 1) // 2
