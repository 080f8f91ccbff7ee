"""The emails assurance sends: requests, chasers and the daily reminder digest.

Built and sent by the worker (assurance/tasks.py), after the record is committed, through Django's email
framework (console backend unless EMAIL_URL or EMAIL_BACKEND says otherwise). Plain text: safeguarding leads
read these on locked-down mail clients.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.text import slugify

from actions import plan
from reviews import roles


def lead_addresses(agency) -> list[str]:
    """Active agency leads of this agency who have an email address."""
    leads = agency.leads.filter(is_active=True, groups__name=roles.AGENCY_LEAD).exclude(email="").order_by("email")
    return list(leads.values_list("email", flat=True).distinct())


def _context(**extra) -> dict:
    return {"board_name": settings.BOARD_NAME, "protective_marking": settings.PROTECTIVE_MARKING, **extra}


def request_email(request, actions, user) -> EmailMessage:
    actions = sorted(actions, key=lambda a: (a.recommendation.review.title, a.recommendation.sort_key, a.pk))
    body = render_to_string("assurance/email/request.txt", _context(request=request, actions=actions, sender=user))
    email = EmailMessage(
        subject=f"[{settings.PROTECTIVE_MARKING}] {request.subject}", body=body, to=lead_addresses(request.agency)
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
    body = render_to_string("assurance/email/chase.txt", _context(request=request, chase=chase))
    return EmailMessage(
        subject=f"[{settings.PROTECTIVE_MARKING}] Reminder: {request.subject}",
        body=body,
        to=lead_addresses(request.agency),
    )


def recorded_reminder_email(digest) -> EmailMessage:
    """A reminder digest as send_reminders recorded it (ReminderDigest), sent by the worker."""
    return EmailMessage(subject=reminder_subject(), body=digest.body, to=[digest.email])


def reminder_subject() -> str:
    """Read at send time: the protective marking comes from settings."""
    return f"[{settings.PROTECTIVE_MARKING}] Your agency's actions: reminders"


def reminder_email(user, digest: dict) -> EmailMessage:
    body = render_to_string("assurance/email/reminder.txt", _context(user=user, **digest))
    return EmailMessage(subject=reminder_subject(), body=body, to=[user.email])
