"""The dashboard's per-review counts from the cache: a change recounts the reviews whose generation
it bumped, and whatever the change, the dashboard is the same as one counted from nothing."""

import dataclasses

import pytest
from django.db import transaction

from actions.choices import ActionStatus, AssuranceLevel
from assurance.services import record_judgement
from lscb.board.dashboard import figures as dashboard
from lscb.board.dashboard import parts as dashboard_parts
from lscb.board.dashboard.parts import ACTIONS, PANELS, THEMES
from lscb.platform.models import Generation
from reviews.models import Review, Theme
from tests.factories import (
    ActionFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
)


@pytest.fixture
def recounted(monkeypatch):
    """(review ids, panels) for each count of parts (None: every review in scope)."""
    calls = []
    real = dashboard_parts.count_parts

    def spy(scope, review_ids, today, panels=PANELS):
        calls.append((None if review_ids is None else sorted(review_ids), tuple(panels)))
        return real(scope, review_ids, today, panels)

    monkeypatch.setattr(dashboard_parts, "count_parts", spy)
    return calls


@pytest.fixture
def two_reviews(agency_a, agency_b):
    """Two reviews of two actions each (agency A's in progress, agency B's not started), and a third, empty."""
    theme = ThemeFactory(name="Neglect")
    ThemeFactory(name="Supervision")
    first, second = ReviewFactory(slug="child-e", subject="Child E"), ReviewFactory(slug="child-f", subject="Child F")
    ReviewFactory(slug="child-g", subject="Child G")
    actions = []
    for review in (first, second):
        rec = RecommendationFactory(review=review, agency=agency_a, number="1.1")
        rec.themes.add(theme)
        actions.append(ActionFactory(recommendation=rec, status=ActionStatus.IN_PROGRESS))
        police = RecommendationFactory(review=review, agency=agency_b, number="2.1")
        actions.append(ActionFactory(recommendation=police))
    return first, second, actions


def assert_same_as_counted_afresh(user, slug=""):
    served = dashboard.cached_build(user, slug)
    assert served.cache_key  # build() without a stamp counts everything and caches nothing
    assert dataclasses.replace(served, cache_key="") == dashboard.build(user, slug)
    return served


def test_a_change_recounts_only_the_review_it_touches(manager, two_reviews, recounted):
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    assert recounted == [(None, PANELS)]  # the first dashboard counts everything once
    recounted.clear()
    assert_same_as_counted_afresh(manager)
    assert recounted == []  # nothing changed: nothing counted
    actions[0].status = ActionStatus.COMPLETED
    actions[0].save()
    served = assert_same_as_counted_afresh(manager)
    assert recounted == [([first.pk], (ACTIONS,))]  # an action's change: its review's action panel only
    assert served.totals.awaiting_evidence.count == 1


def test_moving_an_action_to_another_review_recounts_both(manager, two_reviews, recounted):
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    recounted.clear()
    actions[0].recommendation = RecommendationFactory(review=second, number="3.1")
    actions[0].save()
    served = assert_same_as_counted_afresh(manager)
    # The move: both reviews' action panels; the new recommendation: the second review's heat map.
    assert recounted == [(sorted([first.pk, second.pk]), (ACTIONS,)), ([second.pk], (THEMES,))]
    assert [p.total.count for p in served.progress] == [1, 3, 0]


def test_moving_a_recommendation_to_another_review_takes_its_actions_and_recounts_both(manager, two_reviews, recounted):
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    recounted.clear()
    recommendation = actions[0].recommendation
    recommendation.review, recommendation.number = second, "9.1"
    recommendation.save()
    actions[0].refresh_from_db()
    assert actions[0].review_id == second.pk  # Action.review kept in step by the actions layer
    served = assert_same_as_counted_afresh(manager)
    both = sorted([first.pk, second.pk])
    assert recounted == [(both, (ACTIONS,)), (both, (THEMES,))]
    assert [p.total.count for p in served.progress] == [1, 3, 0]


def test_a_judgement_recounts_its_review(manager, two_reviews, recounted):
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    recounted.clear()
    record_judgement(actions[3], manager, level=AssuranceLevel.ASSURED, statement="Audit seen.")
    served = assert_same_as_counted_afresh(manager)
    assert recounted == [([second.pk], (ACTIONS,))]
    assert served.trend[-1].judged == 1 and served.totals.assured.count == 1


def test_retheming_a_recommendation_recounts_its_review_and_renaming_a_theme_recounts_all(
    manager, two_reviews, recounted
):
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    recounted.clear()
    actions[1].recommendation.themes.add(Theme.objects.get(name="Supervision"))
    served = assert_same_as_counted_afresh(manager)
    # simple-history writes a recommendation row for an m2m change: both its review's generations move.
    assert recounted == [([first.pk], (ACTIONS,)), ([first.pk], (THEMES,))]
    assert [(row.theme, [n for n, _ in row.cells]) for row in served.heat_rows] == [
        ("Neglect", [1, 1, 0]),
        ("Supervision", [1, 0, 0]),
    ]
    recounted.clear()
    theme = actions[1].recommendation.themes.get(name="Supervision")
    theme.name = "Management oversight"
    theme.save()
    served = assert_same_as_counted_afresh(manager)
    all_reviews = sorted(Review.objects.values_list("pk", flat=True))
    assert recounted == [(all_reviews, (THEMES,))]  # every review's heat map names the theme
    assert [row.theme for row in served.heat_rows] == ["Management oversight", "Neglect"]


def test_a_rolled_back_change_leaves_the_cached_parts_good(manager, two_reviews, recounted):
    first, second, actions = two_reviews
    before = assert_same_as_counted_afresh(manager)
    recounted.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions[0].status = ActionStatus.COMPLETED
        actions[0].save()
        raise RuntimeError("the change fails")
    assert assert_same_as_counted_afresh(manager) == before and recounted == []


def test_generations_started_again_never_match_the_cached_parts(manager, two_reviews, recounted):
    """A database emptied and filled again (a restore of another board) starts its generations afresh,
    at random numbers: the cached parts do not match them."""
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    recounted.clear()
    Generation.objects.all().delete()
    actions[3].status = ActionStatus.SUPERSEDED
    actions[3].save()
    served = assert_same_as_counted_afresh(manager)
    # No part's generations are known any more: every panel counted again (but the third review's
    # action panel, which has no action and was never bumped).
    all_reviews = sorted(Review.objects.values_list("pk", flat=True))
    assert recounted == [(sorted([first.pk, second.pk]), (ACTIONS,)), (all_reviews, (THEMES,))]
    assert served.totals.by_status[list(ActionStatus).index(ActionStatus.SUPERSEDED)].count == 1


def test_a_lead_and_the_board_keep_separate_parts(manager, lead_a, two_reviews):
    first, second, actions = two_reviews
    assert assert_same_as_counted_afresh(lead_a).totals.total.count == 2
    assert assert_same_as_counted_afresh(manager).totals.total.count == 4
    actions[1].status = ActionStatus.COMPLETED  # agency B's: outside lead A's scope
    actions[1].save()
    assert assert_same_as_counted_afresh(lead_a).totals.awaiting_evidence.count == 0
    assert assert_same_as_counted_afresh(manager).totals.awaiting_evidence.count == 1


def test_one_review_narrowed_counts_that_review_only(manager, two_reviews, recounted):
    first, second, actions = two_reviews
    served = assert_same_as_counted_afresh(manager, "child-f")
    assert recounted == [([second.pk], PANELS)]
    assert served.totals.total.count == 2
