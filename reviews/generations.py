"""The names of the board's generations (lscb.platform.generations), defined once for who bumps and who reads.

lscb.board.generations bumps them on every tracked change; the dashboard and the printed plan key
their caches on them.
"""

AGENCIES = "agencies"  # any agency: its name, or who leads it
THEMES = "themes"  # any theme's name


def of_review(review_id: int) -> str:
    """The review, its recommendations (with their themes), their actions and the actions' judgements."""
    return f"review:{review_id}"
