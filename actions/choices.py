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


# Work still to do: these can be overdue.
OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.ON_HOLD)
# Done, whether or not the board has yet seen evidence of it.
DONE_STATUSES = (ActionStatus.COMPLETED, ActionStatus.EVIDENCED, ActionStatus.EMBEDDED)
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
