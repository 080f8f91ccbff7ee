"""The names of the board's generations (lscb.platform.generations), defined once for who bumps and who reads.

lscb.board.generations bumps them on every tracked change; the dashboard and the printed plan key
their caches on them. A review has two, so that an action's change (the commonest) leaves the
dashboard's heat map, counted from recommendations, as it was.
"""

AGENCIES = "agencies"  # any agency: its name, or who leads it
THEMES = "themes"  # any theme's name
LEARNING = "learning"  # any learning activity: the heat map counts them by theme


def of_review(review_id: int) -> str:
    """The review and its recommendations (with their themes)."""
    return f"review:{review_id}"


def of_review_actions(review_id: int) -> str:
    """The review's actions and their assurance judgements."""
    return f"review:{review_id}:actions"


def of_whole_review(review_id: int) -> tuple[str, str]:
    """Everything in the review: what its printed plan prints."""
    return of_review(review_id), of_review_actions(review_id)
