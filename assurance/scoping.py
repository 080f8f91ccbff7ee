"""Scoped fetches for assurance views: one place that applies the user's scope (404 outside it).

An agency lead sees their own agencies' records only. Withdrawn evidence and
withdrawn files stay visible to the board (manager and chair) as history, but
vanish for agency leads; only the business manager may still download them.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from actions.models import Action
from assurance.models import AssuranceRequest, ChallengeEvent, Evidence, EvidenceFile
from reviews import permissions, roles


def action_for(user, pk: int) -> Action:
    queryset = Action.objects.for_user(user).select_related("recommendation__review", "agency")
    return get_object_or_404(queryset, pk=pk)


def evidence_queryset(user):
    queryset = Evidence.objects.for_user(user).select_related(
        "action__recommendation__review", "action__agency", "uploaded_by", "reviewed_by"
    )
    if not roles.sees_whole_board(user):
        queryset = queryset.filter(withdrawn=False)
    return queryset


def evidence_for(user, pk: int) -> Evidence:
    return get_object_or_404(evidence_queryset(user), pk=pk)


def visible_files(user, evidence: Evidence):
    files = evidence.files.all()
    return files if roles.sees_whole_board(user) else files.filter(withdrawn=False)


def file_for_download(user, pk: int) -> EvidenceFile:
    """A file the user may download. Withdrawn files (or files of withdrawn evidence): the manager only."""
    queryset = EvidenceFile.objects.filter(evidence__in=Evidence.objects.for_user(user)).select_related(
        "evidence__action"
    )
    if not roles.is_manager(user):
        queryset = queryset.filter(withdrawn=False, evidence__withdrawn=False)
    evidence_file = get_object_or_404(queryset, pk=pk)
    if not permissions.can_download_evidence(user, evidence_file.evidence):
        raise PermissionDenied
    return evidence_file


def request_for(user, pk: int) -> AssuranceRequest:
    queryset = AssuranceRequest.objects.for_user(user).select_related("agency", "sent_by")
    return get_object_or_404(queryset, pk=pk)


def event_for(user, pk: int) -> ChallengeEvent:
    return get_object_or_404(ChallengeEvent.objects.for_user(user), pk=pk)


def require_role(user) -> None:
    """Board pages for people with a role; someone signed in with none gets 403."""
    if not roles.role_names(user):
        raise PermissionDenied


def require_manager(user) -> None:
    """Judgements, reviews of evidence, requests and challenge events are the business manager's (DESIGN.md §4)."""
    if not permissions.can_judge_assurance(user):
        raise PermissionDenied
