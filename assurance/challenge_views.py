"""Challenge events and the challenges raised at them on individual actions.

The business manager creates and edits; the chair reads everything; an
agency lead reads the events their agencies were invited to or challenged
at, and sees only the challenges on their own agencies' actions.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import CreateView, ListView, TemplateView, UpdateView

from assurance import scoping
from assurance.filters import ChallengeEventFilter
from assurance.forms import ChallengeEventForm, ChallengeForm
from assurance.models import Challenge, ChallengeEvent
from assurance.templatetags.assurance_tags import action_url
from lscb.platform.pagination import ForgivingPaginationMixin
from reviews import permissions, roles
from reviews.models import Agency


def visible_challenges(user, related: bool = True):
    challenges = Challenge.objects.all()
    if related:
        challenges = challenges.select_related("action__recommendation__review", "action__agency")
    if roles.sees_whole_board(user):
        return challenges
    return challenges.filter(action__agency__in=roles.lead_agency_ids(user))


class ChallengeListView(ForgivingPaginationMixin, ListView):
    template_name = "assurance/challenge_list.html"
    paginate_by = 50
    context_object_name = "events"

    def dispatch(self, request, *args, **kwargs):
        scoping.require_role(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        queryset = ChallengeEvent.objects.for_user(user).prefetch_related(
            Prefetch("agencies_invited", queryset=Agency.objects.order_by("name")),
            Prefetch("agencies_attending", queryset=Agency.objects.order_by("name")),
            Prefetch(
                "challenges", queryset=visible_challenges(user, related=False).only("pk", "event_id"), to_attr="shown"
            ),
        )
        self.filterset = ChallengeEventFilter(self.request.GET, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_valid() else queryset.none()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filterset=self.filterset,
            can_manage=permissions.can_judge_assurance(self.request.user),
            **kwargs,
        )


class ChallengeEventDetailView(TemplateView):
    template_name = "assurance/challenge_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.event = scoping.event_for(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        event = self.event
        challenges = list(visible_challenges(user).filter(event=event))
        for challenge in challenges:
            challenge.action_href = action_url(challenge.action)
        return super().get_context_data(
            event=event,
            invited=list(event.agencies_invited.order_by("name")),
            attending=list(event.agencies_attending.order_by("name")),
            challenges=challenges,
            can_manage=permissions.can_judge_assurance(user),
            **kwargs,
        )


class ManagerFormMixin:
    def dispatch(self, request, *args, **kwargs):
        scoping.require_manager(request.user)
        return super().dispatch(request, *args, **kwargs)


class EventFormMixin(ManagerFormMixin):
    template_name = "assurance/challenge_event_form.html"
    form_class = ChallengeEventForm

    def form_valid(self, form):
        self.object = form.save()
        messages.success(self.request, f"Challenge event “{self.object.title}” saved.")
        return redirect("assurance:challenge-detail", pk=self.object.pk)


class ChallengeEventCreateView(EventFormMixin, CreateView):
    pass


class ChallengeEventUpdateView(EventFormMixin, UpdateView):
    def dispatch(self, request, *args, **kwargs):
        self.event = scoping.event_for(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.event


class ChallengeFormMixin(ManagerFormMixin):
    """Raise a challenge on one action at an event; its response and outcome can be filled in later."""

    template_name = "assurance/challenge_form.html"
    form_class = ChallengeForm

    def dispatch(self, request, *args, **kwargs):
        self.event = scoping.event_for(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

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


class ChallengeUpdateView(ChallengeFormMixin, UpdateView):
    def get_object(self, queryset=None):
        return get_object_or_404(visible_challenges(self.request.user).filter(event=self.event), pk=self.kwargs["cpk"])
