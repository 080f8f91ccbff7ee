"""A board's subgroups and their meeting dates, kept by the business manager (issue 16: meeting papers).

The business manager creates and edits subgroups and records their meetings; the board's chairs and
scrutineers read them; an agency lead, and anyone of another board, gets 404 for a subgroup or meeting
(the lists answer 403 to a lead). Each meeting links its meeting pack (lscb.board.meeting_pack).
"""

from django.contrib import messages
from django.db.models import Count, Max, Min, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import CreateView, ListView, UpdateView

from assurance.forms import MeetingForm, SubgroupForm
from assurance.models import Meeting, Subgroup
from lscb.platform.locking import GuardedSaveMixin
from lscb.platform.pagination import ForgivingPaginationMixin
from lscb.platform.permissions import PermissionRequiredMixin, may
from lscb.platform.values import long_date
from reviews.boards import current_board


def subgroups_crumbs(*more) -> list[tuple[str, str]]:
    """Dashboard › Subgroups › … (the one breadcrumb scheme)."""
    home = [("Dashboard", reverse("board:dashboard")), ("Subgroups and meetings", reverse("assurance:subgroups"))]
    return [*home, *more]


class SubgroupListView(PermissionRequiredMixin, ListView):
    """The board in view's subgroups, each with its last and next meeting: three queries, whatever their number."""

    permission = "assurance.see_meetings"
    template_name = "assurance/subgroup_list.html"
    context_object_name = "subgroups"

    def get_permission_object(self):
        self.board = current_board(self.request)
        return self.board

    def get_queryset(self):
        today = timezone.localdate()
        return (
            Subgroup.objects.for_user(self.request.user)
            .on_boards([self.board.pk])
            .annotate(
                last_meeting=Max("meetings__held_on", filter=Q(meetings__held_on__lte=today)),
                next_meeting=Min("meetings__held_on", filter=Q(meetings__held_on__gt=today)),
                meeting_count=Count("meetings"),
            )
            .order_by("name", "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=may(self.request.user, "assurance.manage_meetings", self.board),
            breadcrumbs=[("Dashboard", reverse("board:dashboard")), ("Subgroups and meetings", "")],
            **kwargs,
        )


class SubgroupInScopeMixin(PermissionRequiredMixin):
    def get_permission_object(self) -> Subgroup:
        subgroups = Subgroup.objects.for_user(self.request.user).select_related("board")
        self.subgroup = get_object_or_404(subgroups, pk=self.kwargs["pk"])
        return self.subgroup


class SubgroupDetailView(SubgroupInScopeMixin, ForgivingPaginationMixin, ListView):
    """One subgroup's meetings, newest first, each with a link to its meeting pack."""

    permission = "assurance.see_meetings"
    template_name = "assurance/subgroup_detail.html"
    context_object_name = "meetings"
    paginate_by = 50

    def get_queryset(self):
        return self.subgroup.meetings.order_by("-held_on", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subgroup=self.subgroup,
            today=timezone.localdate(),
            can_manage=may(self.request.user, "assurance.manage_meetings", self.subgroup),
            can_print=may(self.request.user, "board.print_meeting_pack", self.subgroup),
            breadcrumbs=subgroups_crumbs((self.subgroup.name, "")),
            **kwargs,
        )


class SubgroupFormMixin(PermissionRequiredMixin):
    permission = "assurance.manage_meetings"
    template_name = "assurance/subgroup_form.html"
    form_class = SubgroupForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "board_id": self.board_id}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=subgroups_crumbs((self.heading, "")), heading=self.heading, **kwargs
        )

    def form_valid(self, form):
        self.object = form.save()
        messages.success(self.request, f"Subgroup “{self.object.name}” saved.")
        return redirect(self.object.get_absolute_url())


class SubgroupCreateView(SubgroupFormMixin, CreateView):
    heading = "Add a subgroup"

    def get_permission_object(self):
        """The subgroup is the board in view's: its manager adds it."""
        self.board = current_board(self.request)
        self.board_id = getattr(self.board, "pk", None)  # None: no board, and the permission refuses
        return self.board

    def form_valid(self, form):
        form.instance.board_id = self.board_id
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("assurance:subgroups"), **kwargs)


class SubgroupUpdateView(SubgroupInScopeMixin, GuardedSaveMixin, SubgroupFormMixin, UpdateView):
    heading = "Rename the subgroup"
    stale_message = (
        "Someone changed this subgroup after you opened the form. Your changes have not been saved. "
        "Check what changed below; to save yours anyway, submit the form again"
    )

    def get_object(self, queryset=None):
        self.board_id = self.subgroup.board_id
        return self.subgroup

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.subgroup.get_absolute_url(), **kwargs)


class MeetingFormMixin(PermissionRequiredMixin):
    permission = "assurance.manage_meetings"
    template_name = "assurance/meeting_form.html"
    form_class = MeetingForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subgroup": self.subgroup}

    def get_context_data(self, **kwargs):
        crumbs = subgroups_crumbs((self.subgroup.name, self.subgroup.get_absolute_url()), (self.heading, ""))
        return super().get_context_data(
            subgroup=self.subgroup,
            heading=self.heading,
            breadcrumbs=crumbs,
            cancel_url=self.subgroup.get_absolute_url(),
            **kwargs,
        )

    def form_valid(self, form):
        form.instance.subgroup = self.subgroup
        self.object = form.save()
        messages.success(self.request, f"Meeting of {self.subgroup.name} on {long_date(self.object.held_on)} saved.")
        return redirect(self.subgroup.get_absolute_url())


class MeetingCreateView(SubgroupInScopeMixin, MeetingFormMixin, CreateView):
    heading = "Add a meeting"


class MeetingUpdateView(GuardedSaveMixin, MeetingFormMixin, UpdateView):
    heading = "Change the meeting"
    stale_message = (
        "Someone changed this meeting after you opened the form. Your changes have not been saved. "
        "Check what changed below; to save yours anyway, submit the form again"
    )

    def get_permission_object(self) -> Meeting:
        meetings = Meeting.objects.for_user(self.request.user).select_related("subgroup__board")
        self.meeting = get_object_or_404(meetings, pk=self.kwargs["pk"])
        self.subgroup = self.meeting.subgroup
        return self.meeting

    def get_object(self, queryset=None):
        return self.meeting
