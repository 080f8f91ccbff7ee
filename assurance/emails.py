"""The emails assurance sends: requests, chasers and the daily reminder digest.

Built and sent by the worker (assurance/tasks.py), after the record is committed, through Django's email
framework (console backend unless EMAIL_URL or EMAIL_BACKEND says otherwise). Plain text: safeguarding leads
read these on locked-down mail clients.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.text import slugify

from actions import plan
from reviews import roles


def lead_addresses(agency, board) -> list[str]:
    """Active leads of this agency on this board who have an email address (the police's lead for
    children is not the one for adults)."""
    leads = (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__board=board, memberships__role=roles.LEAD, memberships__agencies=agency
        )
        .exclude(email="")
        .order_by("email")
    )
    return list(leads.values_list("email", flat=True).distinct())


def _context(board=None, **extra) -> dict:
    """The board's own name and marking; the deployment's for a digest that spans boards."""
    if board is None:
        return {"board_name": settings.BOARD_NAME, "protective_marking": settings.PROTECTIVE_MARKING, **extra}
    return {"board_name": board.name, "protective_marking": board.protective_marking, **extra}


def request_email(request, actions, user) -> EmailMessage:
    actions = sorted(actions, key=lambda a: (a.recommendation.review.title, a.recommendation.sort_key, a.pk))
    body = render_to_string(
        "assurance/email/request.txt", _context(request.board, request=request, actions=actions, sender=user)
    )
    email = EmailMessage(
        subject=f"[{request.board.protective_marking}] {request.subject}",
        body=body,
        to=lead_addresses(request.agency, request.board),
    )
    for review, pdf in plan_extracts(request.agency, actions, user):
        email.attach(extract_name(review, request.agency), pdf, "application/pdf")
    return email


def extract_name(review, agency) -> str:
    return f"{slugify(review.slug)}-{slugify(agency.short_name or agency.name)}-action-plan.pdf"


def extract_names(agency, actions) -> list[str]:
    """The file names of the extracts a request's email will carry, known before any is rendered."""
    reviews = {action.recommendation.review_id: action.recommendation.review for action in actions}
    return [extract_name(review, agency) for review in sorted(reviews.values(), key=lambda r: r.pk)]


def plan_extracts(agency, actions, user) -> list[tuple]:
    """One PDF extract for each review the actions belong to."""
    reviews = {action.recommendation.review_id: action.recommendation.review for action in actions}
    return [
        (review, plan.render_agency_extract(review, agency, user))
        for review in sorted(reviews.values(), key=lambda r: r.pk)
    ]


def chase_email(request, chase) -> EmailMessage:
    body = render_to_string("assurance/email/chase.txt", _context(request.board, request=request, chase=chase))
    return EmailMessage(
        subject=f"[{request.board.protective_marking}] Reminder: {request.subject}",
        body=body,
        to=lead_addresses(request.agency, request.board),
    )


def recorded_reminder_email(digest) -> EmailMessage:
    """A reminder digest as send_reminders recorded it (ReminderDigest), sent by the worker."""
    marking = digest.body.split("\n", 1)[0]
    subject = milestone_subject(marking) if "milestones" in digest.counts else reminder_subject(marking)
    return EmailMessage(subject=subject, body=digest.body, to=[digest.email])


def milestone_subject(marking: str) -> str:
    return f"[{marking}] Reviews' milestones due soon or overdue"


def milestone_reminder_email(user, milestones, today, board=None) -> EmailMessage:
    """The business manager's daily list of milestones overdue or due within five working days."""
    overdue = [m for m in milestones if m.due_on < today]
    due = [m for m in milestones if m.due_on >= today]
    context = _context(board, user=user, overdue=overdue, due=due)
    body = render_to_string("assurance/email/milestones.txt", context)
    return EmailMessage(subject=milestone_subject(context["protective_marking"]), body=body, to=[user.email])


def reminder_subject(marking: str) -> str:
    """The marking the digest's first line carries: its board's, or the deployment's for several boards."""
    return f"[{marking}] Your agency's actions: reminders"


def reminder_email(user, digest: dict, board=None) -> EmailMessage:
    context = _context(board, user=user, **digest)
    body = render_to_string("assurance/email/reminder.txt", context)
    return EmailMessage(subject=reminder_subject(context["protective_marking"]), body=body, to=[user.email])
