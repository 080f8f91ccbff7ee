"""Assurance requests: the list, sending one, its page, chasers, and "no further assurance received"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, ListView, TemplateView, UpdateView

from actions.models import Action
from assurance import emails, services
from assurance.filters import AssuranceRequestFilter
from assurance.forms import AssuranceRequestForm, ChaseForm, ReplyForm, RequestAgencyForm
from assurance.models import AssuranceRequest
from assurance.templatetags.assurance_tags import action_url
from lscb.platform.lists import FilteredListMixin
from lscb.platform.locking import GuardedSaveMixin
from lscb.platform.pagination import ForgivingPaginationMixin
from lscb.platform.permissions import PermissionRequiredMixin, may
from reviews.boards import current_board, in_view


def request_in_scope(view) -> AssuranceRequest:
    """The assurance request in the URL, if the user may see it (404 otherwise)."""
    requests = AssuranceRequest.objects.for_user(view.request.user).select_related("agency", "sent_by")
    return get_object_or_404(requests, pk=view.kwargs["pk"])


class RequestListView(PermissionRequiredMixin, FilteredListMixin, ForgivingPaginationMixin, ListView):
    permission = "board.view"
    template_name = "assurance/request_list.html"
    paginate_by = 50
    context_object_name = "assurance_requests"
    filterset_class = AssuranceRequestFilter

    def get_scoped_queryset(self):
        user = self.request.user
        return (
            in_view(AssuranceRequest.objects.for_user(user), self.request)
            .select_related("agency", "sent_by")
            .annotate(
                # The actions the viewer may see now: not those moved to another agency since (finding 1).
                action_count=Count("actions", filter=Q(actions__in=Action.objects.for_user(user)), distinct=True),
                last_chased=Max("chases__chased_on"),
            )
            .order_by("-sent_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_send=may(self.request.user, "assurance.judge", current_board(self.request)),
            is_lead=may(self.request.user, "assurance.see_lead_home"),
            **kwargs,
        )


class RequestCreateView(PermissionRequiredMixin, FormView):
    """Send an agency a request. Step one picks the agency (?agency=); step two its actions, due date and message."""

    permission = "assurance.judge"
    template_name = "assurance/request_form.html"
    form_class = AssuranceRequestForm

    def choose_agency(self) -> None:
        """Step one's answer, ?agency=, read once the permission has been checked."""
        self.agency_form = RequestAgencyForm(self.request.GET if "agency" in self.request.GET else None)
        self.agency = self.agency_form.cleaned_data["agency"] if self.agency_form.is_valid() else None

    def get(self, request, *args, **kwargs):
        self.choose_agency()
        if self.agency is None:
            return self.render_to_response(self.get_context_data(form=None))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.choose_agency()
        if self.agency is None:
            return self.render_to_response(self.get_context_data(form=None))
        return super().post(request, *args, **kwargs)

    def get_permission_object(self):
        """The request is the board in view's: its manager sends it, about that board's actions."""
        self.board = current_board(self.request)
        return self.board

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agency": self.agency, "board": self.board}

    def get_initial(self):
        return {"subject": f"Request for assurance: {self.agency.name}"} if self.agency else {}

    def get_context_data(self, **kwargs):
        recipients = emails.lead_addresses(self.agency, self.board.pk) if self.agency else []
        return super().get_context_data(
            agency=self.agency,
            agency_form=self.agency_form,
            recipients=recipients,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        request = services.send_request(
            self.board.pk,
            self.agency,
            list(data["actions"]),
            self.request.user,
            subject=data["subject"],
            message=data["message"],
            due_on=data["due_on"],
        )
        if request.emailed_to:
            messages.success(
                self.request, f"Request recorded. The email to {request.emailed_to} is queued and will be sent shortly."
            )
        else:
            messages.warning(
                self.request, f"Request recorded, but {self.agency} has no agency lead with an email address."
            )
        return redirect("assurance:request-detail", pk=request.pk)


class RequestInScopeMixin(PermissionRequiredMixin):
    def get_permission_object(self) -> AssuranceRequest:
        self.assurance_request = request_in_scope(self)
        return self.assurance_request


class RequestDetailView(RequestInScopeMixin, TemplateView):
    permission = "board.view"
    template_name = "assurance/request_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        request = self.assurance_request
        # Only the actions the viewer may see now: an action moved to another agency leaves its old
        # agency's lead's view of the request (issue 12, finding 1); the board still sees every one.
        actions = list(
            request.actions.for_user(user).select_related("recommendation__review").order_by(*Action._meta.ordering)
        )
        manager = may(user, "assurance.judge", request)
        # The agency's lead answers by sending evidence on each action (services._mark_requests_answered):
        # the page takes them there, rather than leaving them at a request they cannot see how to answer.
        answering = not manager and request.state != AssuranceRequest.State.ANSWERED
        for action in actions:
            action.href = action_url(action)
            action.can_answer = answering and may(user, "assurance.upload_evidence", action)
        return super().get_context_data(
            assurance_request=request,
            actions=actions,
            chases=list(request.chases.select_related("chased_by")),
            is_manager=manager,
            can_chase=manager and request.state != AssuranceRequest.State.ANSWERED,
            can_mark_no_response=manager and request.state == AssuranceRequest.State.NO_RESPONSE,
            can_record_reply=manager and request.state != AssuranceRequest.State.ANSWERED,
            can_answer=any(action.can_answer for action in actions),
            **kwargs,
        )


class ChaseCreateView(RequestInScopeMixin, FormView):
    permission = "assurance.judge"
    template_name = "assurance/chase_form.html"
    form_class = ChaseForm

    def check_state(self, assurance_request: AssuranceRequest) -> None:
        if assurance_request.state == AssuranceRequest.State.ANSWERED:
            raise PermissionDenied("This request has been answered: there is nobody to chase.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            assurance_request=self.assurance_request,
            recipients=emails.lead_addresses(self.assurance_request.agency, self.assurance_request.board_id),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        chase = services.record_chase(
            self.assurance_request,
            self.request.user,
            chased_on=data["chased_on"],
            method=data["method"],
            note=data["note"],
            email_leads=data["email_leads"],
        )
        queued = f". The email to {chase.emailed_to} is queued and will be sent shortly" if chase.emailed_to else ""
        messages.success(self.request, f"Chaser recorded{queued}.")
        return redirect("assurance:request-detail", pk=self.assurance_request.pk)


class NoResponseView(RequestInScopeMixin, TemplateView):
    """One step: every action of an unanswered, overdue request becomes "No further assurance received"."""

    permission = "assurance.judge"
    template_name = "assurance/request_no_response.html"

    def check_state(self, assurance_request: AssuranceRequest) -> None:
        if assurance_request.state != AssuranceRequest.State.NO_RESPONSE:
            raise PermissionDenied("Only an unanswered request past its due date can be closed with no response.")

    def get_context_data(self, **kwargs):
        actions = self.assurance_request.actions.select_related("recommendation__review")
        return super().get_context_data(assurance_request=self.assurance_request, actions=actions, **kwargs)

    def post(self, request, *args, **kwargs):
        judgements = services.record_no_further_assurance(self.assurance_request, request.user)
        messages.success(request, f"{len(judgements)} action(s) set to “No further assurance received”.")
        return redirect("assurance:request-detail", pk=self.assurance_request.pk)


class ReplyRecordView(RequestInScopeMixin, GuardedSaveMixin, UpdateView):
    """The agency replied by email, letter or at a meeting: the manager records the reply, and the request is
    answered as if evidence had been uploaded (the board then judges each action on what the reply said)."""

    permission = "assurance.judge"
    template_name = "assurance/request_reply_form.html"
    form_class = ReplyForm
    stale_message = (
        "Someone changed this request after you opened the form (perhaps evidence arrived and answered it). "
        "Your reply has not been saved. Check what changed below; to save yours anyway, submit the form again."
    )

    def check_state(self, assurance_request: AssuranceRequest) -> None:
        if assurance_request.state == AssuranceRequest.State.ANSWERED:
            raise PermissionDenied("This request has been answered: its reply is on the request's page.")

    def get_object(self, queryset=None) -> AssuranceRequest:
        return self.assurance_request

    def get_context_data(self, **kwargs):
        return super().get_context_data(assurance_request=self.assurance_request, **kwargs)

    def form_valid(self, form):
        return self.save_guarded(form, self.record)

    def record(self, form):
        data = form.cleaned_data
        services.record_reply(
            self.assurance_request,
            self.request.user,
            received_on=data["response_received_on"],
            note=data["response_note"],
        )
        messages.success(self.request, "Reply recorded: the request is answered.")
        return redirect("assurance:request-detail", pk=self.assurance_request.pk)
