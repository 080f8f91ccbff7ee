"""A fingerprint of the board's records, to show that a refused request changed nothing."""

from actions.models import Action, ProgressUpdate
from reviews.models import Recommendation, Review


def board_state() -> tuple:
    return (
        list(Review.objects.order_by("pk").values()),
        list(Recommendation.objects.order_by("pk").values()),
        list(Action.objects.order_by("pk").values()),
        list(ProgressUpdate.objects.order_by("pk").values()),
        Review.history.count(),
        Recommendation.history.count(),
        Action.history.count(),
        ProgressUpdate.history.count(),
    )
