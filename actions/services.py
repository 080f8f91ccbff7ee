"""Operations on an action that must be one transaction: edits guarded against lost
updates, status changes with their rules, and progress updates that feed the
action's "action taken / progress" text.

Each locks the action row (select_for_update) before reading its latest history row
(the marker a form carries, lscb/platform/locking.py), so two people saving at the
same moment cannot both pass the check.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from actions.choices import DONE_STATUSES, REASON_REQUIRED
from actions.models import Action, ImpactEvaluation, ProgressUpdate
from lscb.platform.locking import check_history_marker

# The fields a person reads on the action page, in the order they are shown.
SHOWN_FIELDS = [
    "description",
    "agency",
    "lead_officer",
    "due_date",
    "status",
    "status_reason",
    "completed_on",
    "progress",
    "assurance_level",
    "assurance_statement",
    "intended_outcome",
    "impact_measure",
    "evaluate_by",
]


def lock_action(pk: int, seen: int | None) -> Action:
    """The action, locked for this transaction; StaleEdit when its history moved on after `seen`."""
    action = Action.objects.select_for_update().select_related("recommendation").get(pk=pk)
    check_history_marker(action, seen, SHOWN_FIELDS)
    return action


@transaction.atomic
def update_action(pk: int, *, user, seen: int | None, values: dict) -> Action:
    action = lock_action(pk, seen)
    for name, value in values.items():
        setattr(action, name, value)
    action._history_user = user
    action.save()
    return action


class StatusRefused(ValueError):
    """The status change breaks a rule of Action.status_problem(); nothing was changed."""


@transaction.atomic
def change_status(
    pk: int,
    *,
    user,
    seen: int | None,
    status: str,
    reason: str = "",
    note: str = "",
    today: datetime.date | None = None,
) -> Action:
    """Move an action to `status`, if Action.status_problem() allows it (else StatusRefused); reaching a done
    status records the completion date, and reopening clears it. The note becomes the
    history's change reason."""
    action = lock_action(pk, seen)
    if problem := action.status_problem(status, reason):
        raise StatusRefused(problem)
    today = today or timezone.localdate()
    was_done = action.status in DONE_STATUSES
    action.status = status
    # The reason explains the current status only; the old one stays in history.
    action.status_reason = reason.strip() if status in REASON_REQUIRED else ""
    if status in DONE_STATUSES:
        if not was_done or action.completed_on is None:
            action.completed_on = today
    else:
        action.completed_on = None
    action._history_user = user
    action._change_reason = note.strip() or None
    action.save()
    return action


@transaction.atomic
def record_evaluation(evaluation: ImpactEvaluation, *, user) -> ImpactEvaluation:
    """Record the board's impact evaluation (it changes no status: "Embedded" is a separate, checked step)."""
    evaluation.recorded_by = user
    evaluation._history_user = user
    evaluation.save()
    return evaluation


@transaction.atomic
def add_progress(pk: int, *, user, text: str, written_on: datetime.date) -> ProgressUpdate:
    """Add a progress update (never replacing one) and copy the newest into Action.progress."""
    action = Action.objects.select_for_update().get(pk=pk)
    update = ProgressUpdate(action=action, text=text.strip(), written_on=written_on, author=user)
    update._history_user = user
    update.save()
    newest = action.progress_updates.order_by("-written_on", "-created_at", "-pk").first()
    if newest is not None and action.progress != newest.text:
        action.progress = newest.text
        action._history_user = user
        action._change_reason = "Progress update added"
        action.save()
    return update
