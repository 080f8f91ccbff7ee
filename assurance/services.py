"""Assurance operations that span several records and must each be one transaction (STYLE.md "Logic").

Each function takes the acting user and stamps it on every history row it
writes, so the change log names the right person from a web request and
from a management command alike.
"""

import datetime
import logging
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from actions.choices import AssuranceLevel
from actions.models import Action
from assurance import emails, tasks
from assurance.models import (
    AssuranceJudgement,
    AssuranceRequest,
    Chase,
    Evidence,
    EvidenceDownload,
    EvidenceFile,
)
from assurance.uploads import CheckedUpload
from lscb.platform.security import EventKind, client_ip, record_event
from lscb.platform.tasks import enqueue_on_commit
from lscb.platform.values import short_date
from reviews.models import Agency

log = logging.getLogger(__name__)


def _stamp(instance, user):
    instance._history_user = user
    return instance


# --- Evidence -------------------------------------------------------------------


def submit_evidence(
    action: Action,
    user,
    *,
    title: str,
    narrative: str,
    produced_on: datetime.date | None,
    files: Iterable[CheckedUpload],
) -> Evidence:
    """Store the evidence, its files and their checksums together, and mark open requests on the action answered.

    Files are written first, inside the transaction. If anything fails (a
    later file, the database, the request update) the transaction rolls back
    and the files already written are deleted, so there is never a file on
    disk without its record nor a record without its file.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            evidence = _stamp(
                Evidence(action=action, title=title, narrative=narrative, produced_on=produced_on, uploaded_by=user),
                user,
            )
            evidence.save()
            for checked in files:
                _store_file(evidence, checked, user, written)
            _mark_requests_answered(action, evidence, user)
    except BaseException:
        _delete_files(written)
        raise
    return evidence


def _store_file(evidence: Evidence, checked: CheckedUpload, user, written: list[str]) -> EvidenceFile:
    evidence_file = _stamp(
        EvidenceFile(
            evidence=evidence,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        ),
        user,
    )
    checked.upload.seek(0)
    # upload_to (evidence_upload_to) ignores the name given here and picks a random one.
    evidence_file.file.save("evidence", checked.upload, save=False)
    written.append(evidence_file.file.name)
    evidence_file.save()
    return evidence_file


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.exception("Could not remove evidence file %s after a failed upload", name)


def _mark_requests_answered(action: Action, evidence: Evidence, user) -> None:
    """Evidence answers the open requests addressed to the action's agency: a request to the agency the
    action has moved from is that agency's, and must not record another agency's evidence."""
    today = timezone.localdate()
    requests = AssuranceRequest.objects.select_for_update().filter(
        actions=action, agency=action.agency_id, response_received_on__isnull=True, sent_on__lte=today
    )
    for request in requests:
        request.response_received_on = today
        note = f"Evidence “{evidence.title}” uploaded on {short_date(today)}."
        request.response_note = f"{request.response_note}\n{note}".strip()
        _stamp(request, user).save()


def review_evidence(evidence: Evidence, user, *, decision: str, note: str) -> Evidence:
    """The manager accepts the evidence, or returns it asking for more (the note says what)."""
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        evidence.review_state = decision
        evidence.review_note = note
        evidence.reviewed_by = user
        evidence.reviewed_at = timezone.now()
        _stamp(evidence, user).save()
    return evidence


def withdraw_evidence(evidence: Evidence, user) -> Evidence:
    """Hide the evidence and its files from lists. Nothing is deleted: history and files stay."""
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        evidence.withdrawn = True
        _stamp(evidence, user).save()
        for evidence_file in evidence.files.filter(withdrawn=False):
            evidence_file.withdrawn = True
            _stamp(evidence_file, user).save()
    return evidence


def record_download(request, evidence_file: EvidenceFile) -> EvidenceDownload:
    """Log a download twice, as README promises: on the evidence page (EvidenceDownload) and in the security log.

    The address is the client's, not the proxy's, when LSCB_BEHIND_PROXY is on (client_ip).
    """
    evidence = evidence_file.evidence
    record_event(
        request, EventKind.EVIDENCE_DOWNLOAD, evidence=evidence.pk, file=evidence_file.pk, action=evidence.action_id
    )
    return EvidenceDownload.objects.create(file=evidence_file, user=request.user, ip_address=client_ip(request))


# --- Judgements -----------------------------------------------------------------


def record_judgement(
    action: Action, user, *, level: str, statement: str, judged_on: datetime.date | None = None
) -> AssuranceJudgement:
    """Keep the judgement, and make the action's current assurance the latest judgement's, in one transaction."""
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        judgement = _stamp(
            AssuranceJudgement(
                action=action,
                level=level,
                statement=statement,
                judged_on=judged_on or timezone.localdate(),
                recorded_by=user,
            ),
            user,
        )
        judgement.save()
        # A judgement back-dated behind a later one is kept, but the later one stays current.
        latest = action.judgements.first()  # the model's order: newest first, undated (imported) last
        if latest.pk == judgement.pk:
            action.assurance_level = level
            action.assurance_statement = statement
            _stamp(action, user).save()
    return judgement


def record_no_further_assurance(request: AssuranceRequest, user) -> list[AssuranceJudgement]:
    """Past the due date with no reply: set every action of the request to "No further assurance received"."""
    statement = (
        f"No further assurance received: the agency did not reply to the board's request of "
        f"{short_date(request.sent_on)} (“{request.subject}”), due by {short_date(request.due_on)}."
    )
    with transaction.atomic():
        return [
            record_judgement(action, user, level=AssuranceLevel.NO_RESPONSE, statement=statement)
            for action in request.actions.exclude(assurance_level=AssuranceLevel.NO_RESPONSE)
        ]


# --- Requests and chasers ----------------------------------------------------------


def send_request(
    board_id: int, agency: Agency, actions: list[Action], user, *, subject: str, message: str, due_on: datetime.date
) -> AssuranceRequest:
    """Record the request, and queue its email, with the agency's plan extracts, to the agency's leads.

    The email is built and sent by the worker once the request is committed (assurance.tasks): the extracts
    are rendered there, and a mail server that is down delays the email without losing the request.
    """
    with transaction.atomic():
        request = _stamp(
            AssuranceRequest(
                board_id=board_id, agency=agency, subject=subject, message=message, due_on=due_on, sent_by=user
            ),
            user,
        )
        request.save()
        request.actions.set(actions)
        actions = list(request.actions.select_related("recommendation__review"))
        request.emailed_to = ", ".join(emails.lead_addresses(agency, board_id))
        request.attachments = ", ".join(emails.extract_names(agency, actions))
        _stamp(request, user).save()
        if request.emailed_to:
            enqueue_on_commit(tasks.send_request_email, request.pk)
    return request


def record_reply(request: AssuranceRequest, user, *, received_on: datetime.date, note: str) -> AssuranceRequest:
    """A reply received outside the product (an email, a letter): the request is answered, with history.
    Evidence that answered it meanwhile is kept: its date stands if earlier, and the notes are joined."""
    with transaction.atomic():
        locked = AssuranceRequest.objects.select_for_update().get(pk=request.pk)
        earlier = locked.response_received_on
        locked.response_received_on = min(earlier, received_on) if earlier else received_on
        locked.response_note = f"{locked.response_note}\n{note}".strip()
        _stamp(locked, user).save()
    return locked


def record_chase(
    request: AssuranceRequest, user, *, chased_on: datetime.date, method: str, note: str, email_leads: bool
) -> Chase:
    with transaction.atomic():
        chase = _stamp(Chase(request=request, chased_on=chased_on, method=method, note=note, chased_by=user), user)
        chase.emailed_to = ", ".join(emails.lead_addresses(request.agency, request.board_id)) if email_leads else ""
        chase.save()
        if chase.emailed_to:
            enqueue_on_commit(tasks.send_chase_email, chase.pk)
    return chase
