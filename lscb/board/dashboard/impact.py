"""Impact evaluations that are overdue (DESIGN.md §11), beside the dashboard's cached figures.

Read on every visit rather than cached: they turn overdue with the date, and an evaluation recorded must
take its row off at once. Two queries, each bounded to SHOWN rows, whatever the size of the board.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from actions.models import Action, recommendations_evaluation_overdue
from actions.scope import recommendations_for
from reviews.models import Recommendation, Review

SHOWN = 25


@dataclass
class OverdueEvaluations:
    recommendations: list[Recommendation] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.recommendations) + len(self.actions)


def overdue_evaluations(user, review: Review | None = None, today: datetime.date | None = None) -> OverdueEvaluations:
    """The recommendations and actions in the user's scope (one review's, if given) whose evaluation is overdue,
    the longest overdue first."""
    today = today or timezone.localdate()
    recommendations = recommendations_for(user)
    actions = Action.objects.for_user(user)
    if review is not None:
        recommendations, actions = recommendations.filter(review=review), actions.filter(review=review)
    recommendations = recommendations_evaluation_overdue(recommendations, today).select_related("review")
    actions = actions.evaluation_overdue(today).select_related("recommendation__review", "agency")
    return OverdueEvaluations(
        recommendations=list(recommendations.order_by("evaluate_by", "pk")[:SHOWN]),
        actions=list(actions.order_by("evaluate_by", "pk")[:SHOWN]),
    )
