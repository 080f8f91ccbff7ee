"""Challenge events and the challenges raised at them on individual actions.

The business manager creates and edits; the chair reads everything; an
agency lead reads the events their agencies were invited to or challenged
at, and sees only the challenges on their own agencies' actions.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import CreateView, ListView, TemplateView, UpdateView

from assurance.filters import ChallengeEventFilter
from assurance.forms import ChallengeEventForm, ChallengeForm
from assurance.models import Challenge, ChallengeEvent
from assurance.templatetags.assurance_tags import action_url
from lscb.platform.lists import FilteredListMixin
from lscb.platform.locking import GuardedSaveMixin
from lscb.platform.pagination import ForgivingPaginationMixin
from lscb.platform.permissions import PermissionRequiredMixin, may
from reviews.boards import current_board, in_view
from reviews.models import Agency


def challenges_shown(user):
    """The user's challenges, with the action each is on, as the event's page lists them."""
    return Challenge.objects.for_user(user).select_related("action__recommendation__review", "action__agency")


class EventInScopeMixin(PermissionRequiredMixin):
    def get_permission_object(self) -> ChallengeEvent:
        self.event = get_object_or_404(ChallengeEvent.objects.for_user(self.request.user), pk=self.kwargs["pk"])
        return self.event


class ChallengeListView(PermissionRequiredMixin, FilteredListMixin, ForgivingPaginationMixin, ListView):
    permission = "board.view"
    template_name = "assurance/challenge_list.html"
    paginate_by = 50
    context_object_name = "events"
    filterset_class = ChallengeEventFilter

    def get_scoped_queryset(self):
        user = self.request.user
        return in_view(ChallengeEvent.objects.for_user(user), self.request).prefetch_related(
            Prefetch("agencies_invited", queryset=Agency.objects.order_by("name")),
            Prefetch("agencies_attending", queryset=Agency.objects.order_by("name")),
            Prefetch("challenges", queryset=Challenge.objects.for_user(user).only("pk", "event_id"), to_attr="shown"),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=may(self.request.user, "assurance.judge", current_board(self.request)),
            **kwargs,
        )


class ChallengeEventDetailView(EventInScopeMixin, TemplateView):
    permission = "board.view"
    template_name = "assurance/challenge_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        event = self.event
        challenges = list(challenges_shown(user).filter(event=event))
        for challenge in challenges:
            challenge.action_href = action_url(challenge.action)
        return super().get_context_data(
            event=event,
            invited=list(event.agencies_invited.order_by("name")),
            attending=list(event.agencies_attending.order_by("name")),
            challenges=challenges,
            can_manage=may(user, "assurance.judge", event),
            **kwargs,
        )


class EventFormMixin(PermissionRequiredMixin):
    permission = "assurance.judge"
    template_name = "assurance/challenge_event_form.html"
    form_class = ChallengeEventForm

    def form_valid(self, form):
        self.object = form.save()
        messages.success(self.request, f"Challenge event “{self.object.title}” saved.")
        return redirect("assurance:challenge-detail", pk=self.object.pk)


class ChallengeEventCreateView(EventFormMixin, CreateView):
    def get_permission_object(self):
        """The event is the board in view's: its manager holds it."""
        self.board = current_board(self.request)
        return self.board

    def form_valid(self, form):
        form.instance.board_id = self.board.pk
        return super().form_valid(form)


class ChallengeEventUpdateView(EventInScopeMixin, GuardedSaveMixin, EventFormMixin, UpdateView):
    stale_message = (
        "Someone changed this challenge event after you opened the form. Your changes have not been saved. "
        "Check what changed below; to save yours anyway, submit the form again"
    )

    def get_object(self, queryset=None):
        return self.event


class ChallengeFormMixin(EventInScopeMixin):
    """Raise a challenge on one action at an event; its response and outcome can be filled in later."""

    permission = "assurance.judge"
    template_name = "assurance/challenge_form.html"
    form_class = ChallengeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **kwargs)

    def form_valid(self, form):
        form.instance.event = self.event
        challenge = form.save()
        messages.success(self.request, f"Challenge on action {challenge.action.recommendation.number} saved.")
        return redirect("assurance:challenge-detail", pk=self.event.pk)


class ChallengeCreateView(ChallengeFormMixin, CreateView):
    pass


class ChallengeUpdateView(GuardedSaveMixin, ChallengeFormMixin, UpdateView):
    stale_message = (
        "Someone changed this challenge after you opened the form. Your changes have not been saved. "
        "Check what changed below; to save yours anyway, submit the form again"
    )

    def get_object(self, queryset=None):
        return get_object_or_404(challenges_shown(self.request.user).filter(event=self.event), pk=self.kwargs["cpk"])
