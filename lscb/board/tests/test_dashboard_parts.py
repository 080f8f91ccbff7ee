"""The dashboard's per-review counts from the cache: a change recounts the reviews it touches, and
whatever the change, the dashboard is the same as one counted from nothing."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from actions.choices import ActionStatus, AssuranceLevel
from actions.models import Action
from assurance.services import record_judgement
from lscb.board.dashboard import figures as dashboard
from lscb.board.dashboard import parts as dashboard_parts
from lscb.board.dashboard.parts import COUNTS, JUDGED, THEMES
from reviews.models import Review, Theme
from tests.factories import (
    ActionFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
)

ALL = dashboard_parts.PANELS


@pytest.fixture
def recounted(monkeypatch):
    """(review ids, panels) for each count of parts (None: every review in scope)."""
    calls = []
    real = dashboard_parts.count_parts

    def spy(scope, review_ids, today, panels=dashboard_parts.PANELS):
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
    age_history()
    return first, second, actions


def age_history():
    """Set the board up an hour ago: only what a test changes is recent, as on a real board.

    Parts are checked against everything saved in the last few minutes (COMMIT_MARGIN)."""
    for model in dashboard_parts.STAMPED:
        for row in model.history.all():
            row.history_date -= datetime.timedelta(hours=1)
            row.save()


def assert_same_as_counted_afresh(user, slug=""):
    served = dashboard.cached_build(user, slug)
    assert served.cache_key  # build() without a stamp counts everything and caches nothing
    assert dataclasses.replace(served, cache_key="") == dashboard.build(user, slug)
    return served


def test_a_change_recounts_only_the_review_it_touches(manager, two_reviews, recounted):
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    assert recounted == [(None, ALL)]  # the first dashboard counts everything once
    recounted.clear()
    actions[0].status = ActionStatus.COMPLETED
    actions[0].save()
    served = assert_same_as_counted_afresh(manager)
    assert recounted == [([first.pk], (COUNTS,))]  # a status change: that review's action counts only
    assert served.totals.awaiting_evidence.count == 1


def test_moving_an_action_to_another_review_recounts_both(manager, two_reviews, recounted):
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    recounted.clear()
    actions[0].recommendation = RecommendationFactory(review=second, number="3.1")
    actions[0].save()
    served = assert_same_as_counted_afresh(manager)
    both = sorted([first.pk, second.pk])
    # A new recommendation in the second review (all its panels), and the move: counts and judgements.
    assert sorted(recounted) == [(both, (COUNTS,)), (both, (JUDGED,)), ([second.pk], (THEMES,))]
    assert [p.total.count for p in served.progress] == [1, 3, 0]


def test_a_judgement_recounts_its_review(manager, two_reviews, recounted):
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    recounted.clear()
    record_judgement(actions[3], manager, level=AssuranceLevel.ASSURED, statement="Audit seen.")
    served = assert_same_as_counted_afresh(manager)
    assert sorted(recounted) == [([second.pk], (COUNTS,)), ([second.pk], (JUDGED,))]
    assert served.trend[-1].judged == 1 and served.totals.assured.count == 1


def test_retheming_a_recommendation_recounts_its_review_and_renaming_a_theme_recounts_all(
    manager, two_reviews, recounted
):
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    recounted.clear()
    actions[1].recommendation.themes.add(Theme.objects.get(name="Supervision"))
    served = assert_same_as_counted_afresh(manager)
    # simple-history writes a recommendation row for an m2m change: every panel of its review.
    assert sorted(recounted) == sorted(([first.pk], (panel,)) for panel in ALL)
    assert [(row.theme, [n for n, _ in row.cells]) for row in served.heat_rows] == [
        ("Neglect", [1, 1, 0]),
        ("Supervision", [1, 0, 0]),
    ]
    recounted.clear()
    theme = actions[1].recommendation.themes.get(name="Supervision")
    theme.name = "Management oversight"
    theme.save()
    served = assert_same_as_counted_afresh(manager)
    assert (sorted(Review.objects.values_list("pk", flat=True)), (THEMES,)) in recounted
    # and, still within the margin of the rethemed recommendation, its review's other panels
    assert sorted(call for call in recounted if call[1] != (THEMES,)) == [
        ([first.pk], (COUNTS,)),
        ([first.pk], (JUDGED,)),
    ]
    assert [row.theme for row in served.heat_rows] == ["Management oversight", "Neglect"]


def test_a_change_committed_after_the_count_is_still_seen(manager, two_reviews, recounted):
    """A history row saved before a part was counted, but committed after, is caught by the margin."""
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    actions[2].due_date = timezone.localdate() - datetime.timedelta(days=3)
    actions[2].save()
    latest = Action.history.filter(id=actions[2].pk).latest("history_id")
    latest.history_date = timezone.now() - datetime.timedelta(minutes=5)
    latest.save()
    served = assert_same_as_counted_afresh(manager)
    assert served.totals.overdue.count == 1


def test_history_going_backwards_recounts_everything(manager, two_reviews, recounted):
    """A restored backup can hold fewer history rows than the cache has seen: nothing cached is trusted."""
    first, second, actions = two_reviews
    assert_same_as_counted_afresh(manager)
    recounted.clear()
    Action.history.filter(id=actions[3].pk).delete()  # the newest history row goes
    Action.objects.filter(pk=actions[3].pk).update(status=ActionStatus.SUPERSEDED)
    served = assert_same_as_counted_afresh(manager)
    assert recounted == [(None, ALL)]
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
    assert recounted[0] == ([second.pk], ALL)
    assert served.totals.total.count == 2


def test_a_late_commit_behind_the_newest_history_row_is_seen(manager, two_reviews):
    """A transaction can commit after a later one: its history row is then not the newest."""
    first, second, actions = two_reviews
    for action in actions[:2]:
        action.status = ActionStatus.EMBEDDED
        action.save()
    late = Action.history.filter(id=actions[0].pk).latest("history_id")
    newest_id = Action.history.latest("history_id").history_id
    assert late.history_id < newest_id
    late_row = {f.attname: getattr(late, f.attname) for f in Action.history.model._meta.concrete_fields}
    late.delete()
    Action.objects.filter(pk=actions[0].pk).update(status=ActionStatus.IN_PROGRESS)
    assert_same_as_counted_afresh(manager)  # as seen before the late transaction commits
    Action.objects.filter(pk=actions[0].pk).update(status=ActionStatus.EMBEDDED)
    Action.history.model.objects.create(**late_row)  # it commits now; the newest row is unchanged
    assert Action.history.latest("history_id").history_id == newest_id
    served = assert_same_as_counted_afresh(manager)
    assert served.totals.by_status[list(ActionStatus).index(ActionStatus.EMBEDDED)].count == 2
