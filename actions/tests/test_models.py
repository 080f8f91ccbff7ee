import datetime

import pytest

from actions.choices import ActionStatus, Rag
from actions.models import Action, rag_for
from lscb.platform.locking import latest_history_id
from reviews.models import Recommendation
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory

TODAY = datetime.date(2026, 6, 1)
PAST = TODAY - datetime.timedelta(days=1)
SOON = TODAY + datetime.timedelta(days=30)
LATER = TODAY + datetime.timedelta(days=31)

# Every status against every kind of due date: past, today, within 30 days, beyond, none.
RAG_CASES = [
    (ActionStatus.NOT_STARTED, PAST, Rag.RED),
    (ActionStatus.NOT_STARTED, TODAY, Rag.AMBER),
    (ActionStatus.NOT_STARTED, SOON, Rag.AMBER),
    (ActionStatus.NOT_STARTED, LATER, Rag.GREEN),
    (ActionStatus.NOT_STARTED, None, Rag.GREEN),
    (ActionStatus.IN_PROGRESS, PAST, Rag.RED),
    (ActionStatus.IN_PROGRESS, SOON, Rag.AMBER),
    (ActionStatus.IN_PROGRESS, LATER, Rag.GREEN),
    (ActionStatus.IN_PROGRESS, None, Rag.GREEN),
    (ActionStatus.ON_HOLD, PAST, Rag.RED),
    (ActionStatus.ON_HOLD, SOON, Rag.AMBER),
    (ActionStatus.ON_HOLD, LATER, Rag.AMBER),
    (ActionStatus.ON_HOLD, None, Rag.AMBER),
    (ActionStatus.COMPLETED, PAST, Rag.GREEN),
    (ActionStatus.COMPLETED, LATER, Rag.GREEN),
    (ActionStatus.EVIDENCED, PAST, Rag.GREEN),
    (ActionStatus.EVIDENCED, None, Rag.GREEN),
    (ActionStatus.EMBEDDED, PAST, Rag.BLUE),
    (ActionStatus.EMBEDDED, None, Rag.BLUE),
    (ActionStatus.NOT_ACCEPTED, PAST, Rag.GREY),
    (ActionStatus.NOT_ACCEPTED, SOON, Rag.GREY),
    (ActionStatus.SUPERSEDED, PAST, Rag.GREY),
    (ActionStatus.SUPERSEDED, None, Rag.GREY),
]


@pytest.mark.parametrize("status, due, expected", RAG_CASES)
def test_rag_is_computed_from_status_and_due_date(status, due, expected):
    assert rag_for(status, due, TODAY) == expected


def test_every_status_has_a_rag_case():
    assert {case[0] for case in RAG_CASES} == set(ActionStatus)


@pytest.mark.django_db
def test_database_rag_agrees_with_python_rag_in_every_case(review, agency_a):
    from tests.factories import RecommendationFactory

    rec = RecommendationFactory(review=review, agency=agency_a)
    made = [(ActionFactory(recommendation=rec, status=s, due_date=d), expected) for s, d, expected in RAG_CASES]
    annotated = dict(Action.objects.with_rag(TODAY).values_list("pk", "rag_value"))
    for action, expected in made:
        assert annotated[action.pk] == expected, (action.status, action.due_date)
    assert set(Action.objects.rag(Rag.RED, TODAY)) == {a for a, e in made if e == Rag.RED}


@pytest.mark.django_db
def test_overdue_means_open_and_past_due(review, agency_a):
    overdue = ActionFactory(status=ActionStatus.IN_PROGRESS, due_date=PAST)
    on_hold_overdue = ActionFactory(status=ActionStatus.ON_HOLD, due_date=PAST)
    ActionFactory(status=ActionStatus.COMPLETED, due_date=PAST)
    ActionFactory(status=ActionStatus.IN_PROGRESS, due_date=TODAY)
    ActionFactory(status=ActionStatus.NOT_STARTED, due_date=None)
    ActionFactory(status=ActionStatus.SUPERSEDED, due_date=PAST)
    assert set(Action.objects.overdue(TODAY)) == {overdue, on_hold_overdue}


@pytest.mark.django_db
def test_action_defaults_to_its_recommendations_agency(action_a, agency_a):
    from tests.factories import RecommendationFactory

    action = Action.objects.create(recommendation=RecommendationFactory(agency=agency_a), description="x")
    assert action.agency == agency_a


@pytest.mark.django_db
def test_each_save_moves_the_history_marker_forms_are_checked_against(action_a):
    start = latest_history_id(action_a)
    action_a.status = ActionStatus.COMPLETED
    action_a.save()
    assert latest_history_id(action_a) > start


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("manager", {"a", "b"}),
        ("chair", {"a", "b"}),
        ("lead_a", {"a"}),
        ("lead_b", {"b"}),
        ("outsider", set()),
        ("anonymous", set()),
    ],
)
def test_actions_are_scoped_by_role(personas, persona, sees, action_a, action_b):
    from django.contrib.auth.models import AnonymousUser

    names = {action_a.pk: "a", action_b.pk: "b"}
    user = personas[persona] or AnonymousUser()
    assert {names[a.pk] for a in Action.objects.for_user(user)} == sees


def review_copies_are_right() -> bool:
    return all(a.review_id == a.recommendation.review_id for a in Action.objects.select_related("recommendation"))


def test_an_action_copies_its_recommendations_review_and_follows_a_move(db):
    action = ActionFactory()
    assert action.review_id == action.recommendation.review_id
    elsewhere = RecommendationFactory()
    action.recommendation = elsewhere
    action.save(update_fields=["recommendation"])
    assert Action.objects.get(pk=action.pk).review_id == elsewhere.review_id


def test_moving_a_recommendation_to_another_review_takes_its_actions_along(db):
    action = ActionFactory()
    ActionFactory(recommendation=action.recommendation)
    recommendation = Recommendation.objects.get(pk=action.recommendation_id)
    recommendation.review = ReviewFactory(slug="child-z")
    recommendation.save()
    assert review_copies_are_right()
    assert set(Action.objects.values_list("review__slug", flat=True)) == {"child-z"}
    assert action.recommendation.history.count() == 2 and Action.history.count() == 2  # no history for the copy


def test_the_review_copy_is_not_in_the_history():
    assert "review" not in {field.name for field in Action.history.model._meta.fields}


def test_an_action_names_itself_in_whole_words_as_the_change_log_shows_it(action_a):
    action_a.description = "Amend the referral triage checklist to include all adults, with a check on new partners"
    number = action_a.recommendation.number
    assert str(action_a) == f"{number}: Amend the referral triage checklist to include all adults…"
