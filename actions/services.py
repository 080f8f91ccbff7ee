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
from actions.models import Action, ProgressUpdate
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
    """Move an action to `status`. On hold and Not accepted need a reason; reaching a done
    status records the completion date, and reopening clears it. The note becomes the
    history's change reason."""
    if status in REASON_REQUIRED and not reason.strip():
        raise ValueError(f"A reason is required for {status}")
    action = lock_action(pk, seen)
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
