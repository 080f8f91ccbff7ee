"""The demo's case review subgroup and its meetings (issue 16), so that a meeting pack is worth reading.

Fictional throughout. The subgroup met four weeks ago and meets next in a week, and again seven weeks on.
When the subgroup is first made, the board's plans are dated as they stood two months ago (their actions'
history rows moved back), and three of Child A's actions then change, so the pack's "Changed since the last
meeting" has something to show: a completion, a new due date and an assurance level.
"""

import datetime

from django.utils import timezone

from actions.choices import ActionStatus, AssuranceLevel
from actions.models import Action
from assurance.models import Meeting, Subgroup
from reviews.models import Board, Review

SUBGROUP = "Case Review Subgroup"
MEETING_DAYS = [(-28, "Quarterly review of action plans."), (7, "Child A: evidence of impact."), (49, "")]


def ensure_meetings(board: Board, admin) -> Subgroup:
    subgroup = Subgroup.objects.filter(board=board, name=SUBGROUP).first()
    if subgroup is not None:
        return subgroup
    subgroup = Subgroup(board=board, name=SUBGROUP)
    subgroup._history_user = admin
    subgroup.save()
    today = timezone.localdate()
    for days, note in MEETING_DAYS:
        meeting = Meeting(subgroup=subgroup, held_on=today + datetime.timedelta(days=days), note=note)
        meeting._history_user = admin
        meeting.save()
    two_months_ago = timezone.now() - datetime.timedelta(days=60)
    seeded = Action.objects.on_boards([board.pk]).values("pk")  # its own reviews and the joint ones
    Action.history.filter(id__in=seeded).update(history_date=two_months_ago)
    _changes_since_the_last_meeting(Review.objects.filter(slug="child-a").first(), admin)
    return subgroup


def _changes_since_the_last_meeting(review: Review | None, admin) -> None:
    if review is None:
        return
    actions = Action.objects.filter(review=review).order_by("recommendation__sort_key", "pk")
    in_progress = list(actions.filter(status=ActionStatus.IN_PROGRESS)[:2])
    not_started = actions.filter(status=ActionStatus.NOT_STARTED).first()
    today = timezone.localdate()
    if in_progress:
        _change(in_progress[0], admin, status=ActionStatus.COMPLETED, completed_on=today - datetime.timedelta(days=9))
    if len(in_progress) > 1:
        _change(in_progress[1], admin, due_date=today + datetime.timedelta(days=30))
    if not_started is not None:
        _change(not_started, admin, status=ActionStatus.IN_PROGRESS, assurance_level=AssuranceLevel.PARTIAL)


def _change(action: Action, admin, **values) -> None:
    for name, value in values.items():
        setattr(action, name, value)
    action._history_user = admin
    action.save()
