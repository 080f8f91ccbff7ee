"""An agency lead's complete scope of reviews and recommendations, which only the actions layer knows.

reviews' own `for_user()` knows only reviews' data: a lead sees the recommendations addressed to
their agencies and those recommendations' reviews. But a lead must also see every review and
recommendation where one of their agencies holds an action (a board-wide recommendation with one
action per agency; an import row giving an action to another agency), and a filter from reviews
down to actions would reach up a layer. So this layer adds them: every page at the actions layer
or above (actions, assurance, the board's pages) scopes reviews and recommendations with these
two functions; only reviews' own manager forms use reviews' `for_user()` alone.
"""

from django.db.models import Q, QuerySet

from actions.models import Action
from reviews import roles
from reviews.models import Recommendation, Review


def reviews_for(user) -> QuerySet:
    """Reviews the user may see: reviews' own scope, or where one of the user's agencies holds an action."""
    return _with_actions_held(Review, user, "review")


def recommendations_for(user) -> QuerySet:
    """Recommendations the user may see: addressed to the user's agencies, or holding one of their actions."""
    return _with_actions_held(Recommendation, user, "recommendation")


def _with_actions_held(model, user, action_field: str) -> QuerySet:
    """reviews' own scope of `model`, OR'ed with the rows the user's actions point at through `action_field`."""
    if not roles.scope_of(user).lead_groups():  # whole boards only: reviews' own scope is complete
        return model.objects.for_user(user)
    own = model.objects.for_user(user).values("pk")
    held = Action.objects.for_user(user).values(action_field)
    return model.objects.filter(Q(pk__in=own) | Q(pk__in=held))
