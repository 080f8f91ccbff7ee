"""Fictional history for the History page and change log tests: changes made through the ORM, as a user."""

import datetime
import itertools

from django.utils import timezone

from actions.choices import ActionStatus
from actions.models import ProgressUpdate

STATUSES = itertools.cycle([ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED, ActionStatus.EVIDENCED])


def change_action(action, user, reason: str = "", **fields) -> None:
    """Save the action as `user` would, writing one history row."""
    for name, value in fields.items():
        setattr(action, name, value)
    action._history_user = user
    # simple-history leaves _change_reason on the instance: set (or clear) it for this save only.
    action._change_reason = reason or None
    action.save()


def add_progress(action, user, text: str, when: datetime.date | None = None) -> ProgressUpdate:
    update = ProgressUpdate(action=action, text=text, author=user, written_on=when or timezone.localdate())
    update._history_user = user
    update.save()
    return update


def action_history(action, user, rows: int) -> None:
    """`rows` more history rows on the action: status changes and progress updates, alternately."""
    for n in range(rows):
        if n % 2:
            add_progress(action, user, f"Progress note {n}.")
        else:
            change_action(action, user, status=next(STATUSES), progress=f"Narrative {n}.")


def board_history(action, user, rows: int) -> None:
    """`rows` more rows spread over five kinds of record: action, progress update, recommendation, review, agency."""
    recommendation = action.recommendation
    review, agency = recommendation.review, action.agency
    for n in range(rows):
        record = [action, None, recommendation, review, agency][n % 5]
        if record is None:
            add_progress(action, user, f"Progress note {n}.")
            continue
        field = {0: "lead_officer", 2: "text", 3: "summary", 4: "short_name"}[n % 5]
        setattr(record, field, f"Changed {n}")
        record._history_user = user
        record.save()
