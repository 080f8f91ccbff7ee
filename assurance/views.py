"""The agency lead's home page, evidence (upload, page, review, withdraw, download) and judgements.

Requests and chasers live in request_views.py, challenge events in challenge_views.py.
Every view fetches its object through the model's `for_user()` (out of scope = 404) before the
named permission it declares is asked (may not = 403): lscb.platform.permissions.
"""

import logging

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView

from actions.choices import AMBER_WINDOW_DAYS, AWAITING_EVIDENCE
from actions.models import Action
from actions.views import ActionInScopeMixin
from assurance import services, uploads
from assurance.forms import EvidenceForm, EvidenceReviewForm, JudgementForm
from assurance.models import AssuranceRequest, Evidence, EvidenceDownload, EvidenceFile
from assurance.templatetags.assurance_tags import action_url
from lscb.platform.locking import GuardedSaveMixin
from lscb.platform.permissions import PermissionRequiredMixin, may, permission_required
from reviews import roles
from reviews.boards import in_view_ids
from reviews.models import Agency

log = logging.getLogger(__name__)


class LeadHomeView(PermissionRequiredMixin, TemplateView):
    """ "Your agency's actions": what each agency the lead leads must do next, agency by agency."""

    permission = "assurance.see_lead_home"
    template_name = "assurance/lead_home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        board_ids = in_view_ids(self.request)  # their (board, agency) pairs on the board in view, as other lists
        ids = roles.lead_agency_ids(user, board_ids)
        today = timezone.localdate()
        sections = {agency.pk: _empty_section(agency) for agency in Agency.objects.filter(pk__in=ids)}
        for action in _lead_actions(user, today, board_ids):
            section = sections[action.agency_id]
            if action.status == AWAITING_EVIDENCE:
                section["awaiting"].append(action)
            elif action.due_date < today:
                section["overdue"].append(action)
            else:
                section["due"].append(action)
        for evidence in _lead_evidence(user, board_ids):
            key = "returned" if evidence.review_state == Evidence.ReviewState.MORE_REQUESTED else "submitted"
            sections[evidence.action.agency_id][key].append(evidence)
        for request in AssuranceRequest.objects.led_by(user, board_ids).unanswered().annotate(n=Count("actions")):
            sections[request.agency_id]["requests"].append(request)
        due_heading = f"Due in the next {AMBER_WINDOW_DAYS} days"
        return super().get_context_data(
            sections=list(sections.values()), window=AMBER_WINDOW_DAYS, due_heading=due_heading, **kwargs
        )


def _empty_section(agency: Agency) -> dict:
    return {
        "agency": agency,
        **{key: [] for key in ["due", "overdue", "awaiting", "returned", "submitted", "requests"]},
    }


def _lead_actions(user, today, board_ids):
    # The to-do list (the reminder email's too) and, in the same query, what awaits evidence: the
    # dashboard's definition (ActionQuerySet.awaiting_evidence), so the two pages count the same actions.
    mine = Action.objects.led_by(user, board_ids)
    return (
        (mine.to_do(today) | mine.awaiting_evidence())
        .select_related("recommendation__review")
        .order_by("due_date", "pk")
    )


def _lead_evidence(user, board_ids):
    return (
        Evidence.objects.led_by(user, board_ids)
        .exclude(review_state=Evidence.ReviewState.ACCEPTED)
        .select_related("action__recommendation__review", "reviewed_by")
    )


class EvidenceInScopeMixin(PermissionRequiredMixin):
    """The evidence in the URL, if the user may see it (404 otherwise, whatever the method), as self.evidence."""

    def get_permission_object(self) -> Evidence:
        evidence = Evidence.objects.for_user(self.request.user).with_action()
        self.evidence = get_object_or_404(evidence, pk=self.kwargs["pk"])
        return self.evidence


@method_decorator(csrf_exempt, name="dispatch")
class EvidenceCreateView(ActionInScopeMixin, TemplateView):
    """Upload evidence. The body is checked against the upload limits before it is read.

    CSRF is checked by hand (csrf_protect, below) AFTER our size-limit upload
    handler is installed: the CSRF middleware would otherwise parse the whole
    multipart body first (Django docs, "Modifying upload handlers on the fly").
    """

    permission = "assurance.upload_evidence"
    template_name = "assurance/evidence_form.html"

    def post(self, request, *args, **kwargs):
        refusal = uploads.body_too_large(request)
        if refusal:
            form = EvidenceForm()
            form.refuse_files(refusal)
            return self.render_to_response(self.get_context_data(form=form), status=413)
        self.limiter = uploads.SizeLimitUploadHandler(request)
        request.upload_handlers.insert(0, self.limiter)
        return csrf_protect(self.receive)(request)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", EvidenceForm())
        return super().get_context_data(action=self.action, action_href=action_url(self.action), **kwargs)

    def receive(self, request):
        post, files = request.POST, request.FILES  # parses the body, through self.limiter
        if self.limiter.refused:
            # The upload was stopped part-way: report only that, keeping what was typed before the files.
            typed = {key: post.get(key, "") for key in ("title", "narrative")}
            typed["produced_on"] = EvidenceForm.base_fields["produced_on"].widget.value_from_datadict(
                post, {}, "produced_on"
            )
            form = EvidenceForm(initial=typed)
            form.refuse_files(self.limiter.refused)
            return self.render_to_response(self.get_context_data(form=form), status=413)
        form = EvidenceForm(post, files)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            evidence = services.submit_evidence(
                self.action,
                request.user,
                title=data["title"],
                narrative=data["narrative"],
                produced_on=data["produced_on"],
                files=data["files"],
            )
        except OSError:
            log.exception("Evidence upload for action %s could not be stored", self.action.pk)
            form.add_error("files", "The files could not be stored, so nothing was saved: try again later")
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, f"Evidence “{evidence.title}” sent to the board.")
        return redirect("assurance:evidence-detail", pk=evidence.pk)


class EvidenceDetailView(EvidenceInScopeMixin, TemplateView):
    permission = "board.view"
    template_name = "assurance/evidence_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        evidence = self.evidence
        context = {
            "evidence": evidence,
            "action": evidence.action,
            "action_href": action_url(evidence.action),
            "files": list(EvidenceFile.objects.for_user(user).filter(evidence=evidence)),
            "can_review": may(user, "assurance.judge", evidence) and not evidence.withdrawn,
            "can_withdraw": may(user, "assurance.withdraw_evidence", evidence),
            "can_download": may(user, "assurance.download_evidence", evidence),
            # The download log, and links to withdrawn files, are the business manager's.
            "is_manager": may(user, "board.see_security_log"),
        }
        if context["is_manager"]:
            context["downloads"] = list(
                EvidenceDownload.objects.filter(file__evidence=evidence).select_related("user", "file")[:100]
            )
        return super().get_context_data(**context, **kwargs)


class EvidenceReviewView(EvidenceInScopeMixin, GuardedSaveMixin, FormView):
    """The business manager accepts evidence or returns it asking for more."""

    permission = "assurance.judge"
    guarded_fields = ["review_state", "review_note", "reviewed_by", "withdrawn", "title", "narrative", "produced_on"]
    stale_message = (
        "Someone changed this evidence after you opened the form. Your decision has not been saved. "
        "Check what changed below; to save yours anyway, submit the form again"
    )
    template_name = "assurance/evidence_review.html"
    form_class = EvidenceReviewForm

    def check_state(self, evidence: Evidence) -> None:
        if evidence.withdrawn:
            raise Http404

    def guarded_record(self) -> Evidence:
        return self.evidence

    def get_initial(self):
        return {**super().get_initial(), "note": self.evidence.review_note}

    def get_context_data(self, **kwargs):
        return super().get_context_data(evidence=self.evidence, action=self.evidence.action, **kwargs)

    def form_valid(self, form):
        return self.save_guarded(form, self.save_review)

    def save_review(self, form):
        evidence = services.review_evidence(
            self.evidence, self.request.user, decision=form.cleaned_data["decision"], note=form.cleaned_data["note"]
        )
        messages.success(self.request, f"Evidence “{evidence.title}”: {evidence.get_review_state_display().lower()}.")
        return redirect("assurance:evidence-detail", pk=evidence.pk)


class EvidenceWithdrawView(EvidenceInScopeMixin, TemplateView):
    """Withdraw evidence: the manager, or the lead who uploaded it, while the board has not accepted it."""

    permission = "assurance.withdraw_evidence"
    template_name = "assurance/evidence_withdraw.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(evidence=self.evidence, **kwargs)

    def post(self, request, *args, **kwargs):
        services.withdraw_evidence(self.evidence, request.user)
        messages.success(request, f"Evidence “{self.evidence.title}” withdrawn. It is kept in the record.")
        if Evidence.objects.for_user(request.user).filter(pk=self.evidence.pk).exists():  # the board's, still
            return redirect("assurance:evidence-detail", pk=self.evidence.pk)
        return redirect("assurance:lead-home")


def file_in_scope(request, pk: int) -> EvidenceFile:
    """The file, if the user may fetch it (404 otherwise, whatever the method)."""
    files = EvidenceFile.objects.for_download(request.user).select_related("evidence__action")
    return get_object_or_404(files, pk=pk)


@permission_required("assurance.download_evidence", file_in_scope, of=lambda evidence_file: evidence_file.evidence)
def evidence_download(request, evidence_file: EvidenceFile, pk: int):
    """One evidence FILE (pk is the EvidenceFile's id), as an attachment, logged in EvidenceDownload."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        handle = evidence_file.file.open("rb")
    except (FileNotFoundError, ValueError):
        log.error("Evidence file %s is missing from storage (%s)", evidence_file.pk, evidence_file.file.name)
        raise Http404("This file is missing. The board's administrator has been told.") from None
    services.record_download(request, evidence_file)
    response = FileResponse(
        handle, as_attachment=True, filename=evidence_file.original_name, content_type=evidence_file.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class JudgementCreateView(ActionInScopeMixin, FormView):
    """Record the board's assurance judgement on one action (business manager only)."""

    permission = "assurance.judge"
    template_name = "assurance/judgement_form.html"
    form_class = JudgementForm

    def get_initial(self):
        return {"level": self.action.assurance_level, "judged_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.action, action_href=action_url(self.action), **kwargs)

    def form_valid(self, form):
        judgement = services.record_judgement(self.action, self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Assurance recorded: {judgement.get_level_display()}.")
        return redirect(action_url(self.action) or self.request.path)
