"""The demo's requests for assurance and challenge event, so that the user guide's "Chase the agencies that have
not answered" and "Challenge events" have something to show (without them both pages were empty).

Fictional throughout. Northbridge Police were asked five weeks ago about two of their actions, the reply was due
a week ago and has not come (so the request says "No response"), and they were chased once by email. Children's
Social Care were asked today, with a reply due in three weeks. A challenge event two weeks ago asked
Northbridge Police about one of the same actions.
"""

import datetime

from django.utils import timezone

from actions.choices import ActionStatus
from actions.models import Action
from assurance.models import AssuranceRequest, Challenge, ChallengeEvent, Chase
from reviews.models import Agency, Board

EVENT_TITLE = "Scrutiny and challenge: escalation and supervision"


def ensure_assurance(board: Board, admin) -> None:
    if AssuranceRequest.objects.filter(board=board).exists():
        return
    today = timezone.localdate()
    police = Agency.objects.get(name="Northbridge Police")
    police_actions = list(_open_actions(board, police)[:2])
    days = datetime.timedelta
    late = _request(board, police, police_actions, admin, sent=today - days(35), due=today - days(7))
    _save(Chase(request=late, chased_on=today - days(3), note="Reminder sent to the lead.", chased_by=admin), admin)
    social_care = Agency.objects.get(name="Children's Social Care")
    _request(board, social_care, list(_open_actions(board, social_care)[:1]), admin, sent=today, due=today + days(21))
    if police_actions:
        _challenge_event(board, police, police_actions[0], admin, held_on=today - days(14))


def _open_actions(board: Board, agency: Agency):
    return (
        Action.objects.filter(recommendation__review__board=board)  # the board's own reviews, not a partner's
        .filter(agency=agency, status__in=[ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.ON_HOLD])
        .order_by("recommendation__review__slug", "recommendation__sort_key", "pk")
    )


def _request(board, agency, actions, admin, *, sent: datetime.date, due: datetime.date) -> AssuranceRequest:
    request = AssuranceRequest(
        board=board,
        agency=agency,
        subject=f"Assurance on {agency.name}'s open actions",
        message="Please tell the board what has changed in practice, with evidence where you have it.",
        sent_on=sent,
        due_on=due,
        sent_by=admin,
    )
    _save(request, admin)
    request.actions.set(actions)
    return request


def _challenge_event(board, agency, action, admin, *, held_on: datetime.date) -> None:
    event = ChallengeEvent(board=board, title=EVENT_TITLE, held_on=held_on, chair="Independent scrutineer (fictional)")
    _save(event, admin)
    event.agencies_invited.set([agency])
    event.agencies_attending.set([agency])
    challenge = Challenge(
        event=event,
        action=action,
        challenge="How does the board know staff now escalate when they disagree with a decision?",
        response="A dip sample of twenty cases is under way; results go to the next subgroup.",
    )
    _save(challenge, admin)


def _save(record, admin) -> None:
    record._history_user = admin
    record.save()
