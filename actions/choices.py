"""The board's vocabularies for actions (DESIGN.md §3 and §8). Defined once, used everywhere."""

from django.db import models


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    EVIDENCED = "evidenced", "Completed and evidenced"
    EMBEDDED = "embedded", "Embedded"
    NOT_ACCEPTED = "not_accepted", "Not accepted"
    SUPERSEDED = "superseded", "Superseded"


# What each status means, shown under its radio on the status form (DESIGN.md §5: completed, evidenced and
# embedded are three different things).
STATUS_HINTS = {
    ActionStatus.NOT_STARTED: "Work on the action has not begun.",
    ActionStatus.IN_PROGRESS: "Work has begun and is not finished.",
    ActionStatus.ON_HOLD: "Work has paused. Say why.",
    ActionStatus.COMPLETED: "The agency says the work is done. The board has not yet seen evidence of it.",
    ActionStatus.EVIDENCED: "The work is done and the board has seen evidence of it.",
    ActionStatus.EMBEDDED: (
        'Practice has changed: an impact evaluation (a re-audit, survey or data) was judged "impact evidenced".'
    ),
    ActionStatus.NOT_ACCEPTED: "The agency or the board decided not to take the action forward. Say why.",
    ActionStatus.SUPERSEDED: "Replaced by another action or by later work.",
}

# Work still to do: these can be overdue.
OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.ON_HOLD)
# Done, whether or not the board has yet seen evidence of it.
DONE_STATUSES = (ActionStatus.COMPLETED, ActionStatus.EVIDENCED, ActionStatus.EMBEDDED)
# "Awaiting evidence": the agency says the action is done, the board has not yet seen evidence of it
# (DESIGN.md §3, "Completed: evidence awaited"). The one definition: the dashboard's count and the agency
# lead's "Done, awaiting evidence" list both read it (ActionQuerySet.awaiting_evidence).
AWAITING_EVIDENCE = ActionStatus.COMPLETED
# Closed without being done.
CLOSED_STATUSES = (ActionStatus.NOT_ACCEPTED, ActionStatus.SUPERSEDED)
# A status change to one of these must say why.
REASON_REQUIRED = (ActionStatus.ON_HOLD, ActionStatus.NOT_ACCEPTED)


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    GREY = "grey", "Grey"


RAG_MEANING = {
    Rag.RED: "Overdue and not completed",
    Rag.AMBER: "Due within 30 days, or on hold",
    Rag.GREEN: "On track, or completed",
    Rag.BLUE: "Embedded in practice",
    Rag.GREY: "Not accepted, or superseded",
}

# An action is amber when it falls due within this many days.
AMBER_WINDOW_DAYS = 30


class AssuranceLevel(models.TextChoices):
    ASSURED = "assured", "Assured"
    PARTIAL = "partial", "Partially assured"
    NOT_ASSURED = "not_assured", "Not assured"
    NO_RESPONSE = "no_response", "No further assurance received"
    AWAITING = "awaiting", "Awaiting assurance"
