"""The worker's half of assurance mail: each email is built and sent by a task, after the record is committed.

A request, a chaser or a reminder digest is recorded in the web request (or the daily command) and its email
queued with enqueue_on_commit(); the task reads the committed rows, renders what is heavy (a request's plan
extracts) and talks to the mail server. With the server down the record stands, the task fails and is tried
again with backoff (lscb.platform.tasks), and the email goes when the server is back.
"""

from assurance import emails
from assurance.models import AssuranceRequest, Chase, ReminderDigest
from lscb.platform.tasks import MAIL, task


def still_leads(agency, board_id: int, recorded: str) -> list[str]:
    """The recorded addressees who are still the agency's leads when the email goes: someone who has left
    the agency since the request was made must not receive its plan."""
    current = set(emails.lead_addresses(agency, board_id))
    return [address for address in recorded.split(", ") if address in current]


@task(priority=MAIL)
def send_request_email(request_id: int) -> int:
    """Email a request, with one plan extract per review rendered here (not in the web request)."""
    request = AssuranceRequest.objects.select_related("agency", "sent_by", "board").get(pk=request_id)
    actions = list(request.actions.select_related("recommendation__review"))
    email = emails.request_email(request, actions, request.sent_by)
    email.to = still_leads(request.agency, request.board_id, request.emailed_to)
    return email.send() if email.to else 0


@task(priority=MAIL)
def send_chase_email(chase_id: int) -> int:
    chase = Chase.objects.select_related("request__agency", "request__board").get(pk=chase_id)
    email = emails.chase_email(chase.request, chase)
    email.to = still_leads(chase.request.agency, chase.request.board_id, chase.emailed_to)
    return email.send() if email.to else 0


@task(priority=MAIL)
def send_reminder_digest(digest_id: int) -> int:
    """Send a digest exactly as recorded (its body was written by send_reminders when it was due)."""
    return emails.recorded_reminder_email(ReminderDigest.objects.get(pk=digest_id)).send()
