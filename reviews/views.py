"""Adding and editing reviews and recommendations: the business manager's forms.

The pages that show a review with its actions compose several apps, so they live
in the board layer (lscb/board/review_pages.py).
"""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from lscb.platform.lists import FilteredListMixin
from lscb.platform.locking import GuardedSaveMixin
from lscb.platform.pagination import ForgivingPaginationMixin
from lscb.platform.permissions import PermissionRequiredMixin, may, permission_required
from reviews.boards import current_board, in_view
from reviews.filters import LearningActivityFilterSet
from reviews.forms import (
    DECISION_FIELDS,
    IMPACT_FIELDS,
    AttendanceForm,
    LearningActivityForm,
    MilestoneForm,
    RecommendationForm,
    ReviewForm,
)
from reviews.models import (
    Board,
    CascadeConfirmation,
    LearningActivity,
    LearningAttendance,
    Milestone,
    Recommendation,
    Review,
    refresh_milestones,
)


class ManagePlanMixin(PermissionRequiredMixin):
    """Only the business manager changes the plan; the review or recommendation in the URL is fetched
    through reviews' own scope first (this is reviews' manager form, so reviews' for_user suffices)."""

    permission = "reviews.manage_plan"


class ReviewFormMixin(ManagePlanMixin):
    template_name = "reviews/review_form.html"
    form_class = ReviewForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class ReviewCreateView(ReviewFormMixin, CreateView):
    def get_permission_object(self):
        """A new review is the board in view's, whose business manager adds it."""
        self.board = current_board(self.request)
        return self.board

    def get_initial(self):
        # A practice review, not the old "serious case review": a child safeguarding practice review on a children's
        # board, a safeguarding adult review on an adults' board.
        adults = self.board is not None and Board.objects.filter(pk=self.board.pk, kind=Board.Kind.ADULTS).exists()
        return {"board": self.board.pk if self.board else None, "kind": Review.Kind.SAR if adults else Review.Kind.CSPR}

    def form_valid(self, form):
        self.object = form.create()
        messages.success(self.request, f"Review {self.object.title} created.")
        return HttpResponseRedirect(self.object.get_absolute_url())


class ReviewUpdateView(ReviewFormMixin, GuardedSaveMixin, UpdateView):
    guarded_fields = [name for name in ReviewForm.Meta.fields if name != "partner_boards"]
    stale_message = "Someone changed this review after you opened the form. Your changes have not been saved"
    success_message = "Review saved."

    def get_permission_object(self) -> Review:
        self.review = get_object_or_404(Review.objects.for_user(self.request.user), slug=self.kwargs["slug"])
        return self.review

    def get_object(self, queryset=None) -> Review:
        return self.review

    def form_valid(self, form):
        return self.save_guarded(form, self.save_with_milestones)

    def save_with_milestones(self, form):
        self.object = form.save()
        # Its dates may have moved a due date or marked a milestone done, recorded by the person who saved them.
        refresh_milestones(self.object, by=self.request.user)
        return HttpResponseRedirect(self.get_success_url())


class MilestoneUpdateView(ManagePlanMixin, GuardedSaveMixin, UpdateView):
    """Record a milestone: done and when, an extension agreed, a note (the business manager)."""

    template_name = "reviews/milestone_form.html"
    form_class = MilestoneForm
    stale_message = "Someone changed this milestone after you opened the form. Your changes have not been saved"
    success_message = "Milestone saved."

    def get_permission_object(self) -> Milestone:
        milestones = Milestone.objects.for_user(self.request.user).select_related("review", "rule")
        self.milestone = get_object_or_404(milestones, review__slug=self.kwargs["slug"], pk=self.kwargs["pk"])
        return self.milestone

    def get_object(self, queryset=None) -> Milestone:
        return self.milestone

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.milestone.review, **kwargs)

    def form_valid(self, form):
        return self.save_guarded(form, self.record)

    def record(self, form):
        milestone = form.save(commit=False)
        if "done_on" in form.changed_data or "note" in form.changed_data:
            milestone.recorded_by = self.request.user
        milestone.save()
        review, field = milestone.review, milestone.rule.done_field
        if field and getattr(review, field) != milestone.done_on:
            setattr(review, field, milestone.done_on)  # the review's own date says the same
            review.save()
        refresh_milestones(review)
        return HttpResponseRedirect(review.get_absolute_url() + "#milestones")


class RecommendationFormMixin(ManagePlanMixin):
    template_name = "reviews/recommendation_form.html"
    form_class = RecommendationForm

    def get_permission_object(self) -> Review:
        self.review = get_object_or_404(Review.objects.for_user(self.request.user), slug=self.kwargs["slug"])
        return self.review

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "review": self.review}

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, **kwargs)

    def integrity_error(self, form):
        form.add_error(
            "number", "Another recommendation in this review has just taken this number: enter a different number"
        )
        return self.form_invalid(form)


class RecommendationCreateView(RecommendationFormMixin, CreateView):
    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = form.save()
        except IntegrityError:
            return self.integrity_error(form)
        messages.success(self.request, f"Recommendation {self.object.number} added.")
        return HttpResponseRedirect(self.object.get_absolute_url())


class RecommendationUpdateView(RecommendationFormMixin, GuardedSaveMixin, UpdateView):
    guarded_fields = ["number", "agency", "text", "source", *DECISION_FIELDS, *IMPACT_FIELDS]
    stale_message = "Someone changed this recommendation after you opened the form. Your changes have not been saved"
    success_message = "Recommendation saved."

    def get_permission_object(self) -> Recommendation:
        recommendations = Recommendation.objects.for_user(self.request.user).select_related("review", "agency")
        self.recommendation = get_object_or_404(recommendations, review__slug=self.kwargs["slug"], pk=self.kwargs["pk"])
        self.review = self.recommendation.review
        return self.recommendation

    def get_object(self, queryset=None) -> Recommendation:
        return self.recommendation


class LearningActivityListView(PermissionRequiredMixin, FilteredListMixin, ForgivingPaginationMixin, ListView):
    """How the board has shared learning: every activity in the user's scope, with its attendance."""

    permission = "board.browse"
    template_name = "reviews/learning_list.html"
    context_object_name = "activities"
    paginate_by = 25
    filterset_class = LearningActivityFilterSet

    def get_scoped_queryset(self) -> QuerySet:
        return in_view(LearningActivity.objects.for_user(self.request.user), self.request)

    def ordered(self, queryset: QuerySet) -> QuerySet:
        return queryset.with_attendance().prefetch_related("reviews", "themes").order_by("-held_on", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=may(self.request.user, "reviews.manage_learning"), **kwargs)


class LearningActivityInScopeMixin(PermissionRequiredMixin):
    def get_permission_object(self) -> LearningActivity:
        activities = LearningActivity.objects.for_user(self.request.user)
        self.activity = get_object_or_404(activities, pk=self.kwargs["pk"])
        return self.activity


class LearningActivityDetailView(LearningActivityInScopeMixin, DetailView):
    permission = "board.view"
    methods_first = True
    template_name = "reviews/learning_detail.html"
    context_object_name = "activity"

    def get_object(self, queryset=None) -> LearningActivity:
        return self.activity

    def get_context_data(self, **kwargs):
        user = self.request.user
        attendances = LearningAttendance.objects.for_user(user).filter(activity=self.activity).select_related("agency")
        cascades = CascadeConfirmation.objects.for_user(user).filter(activity=self.activity)
        cascades = {c.agency_id: c for c in cascades.select_related("agency", "confirmed_by")}
        rows = [(a, cascades.get(a.agency_id), may(user, "reviews.confirm_cascade", a.agency)) for a in attendances]
        return super().get_context_data(
            reviews=list(Review.objects.for_user(user).filter(learning_activities=self.activity)),
            themes=list(self.activity.themes.all()),
            rows=rows,
            total=sum(a.attendees for a in attendances),
            is_briefing=self.activity.kind == LearningActivity.Kind.BRIEFING,
            can_manage=may(user, "reviews.manage_learning"),
            **kwargs,
        )


def of_board(form, board_id: int):
    """An activity carries its own board's reviews (lead or partner board), never another board's."""
    form.fields["reviews"].queryset = Review.objects.on_boards([board_id])
    return form


class LearningActivityCreateView(PermissionRequiredMixin, CreateView):
    permission = "reviews.manage_learning"
    template_name = "reviews/learning_form.html"
    form_class = LearningActivityForm

    def get_permission_object(self):
        """The activity is the board in view's: its manager records it."""
        self.board = current_board(self.request)
        return self.board

    def get_form(self, form_class=None):
        return of_board(super().get_form(form_class), self.board.pk)

    def form_valid(self, form):
        form.instance.board_id = self.board.pk
        with transaction.atomic():
            self.object = form.save()
        messages.success(self.request, f"Learning activity {self.object.title} added.")
        return HttpResponseRedirect(self.object.get_absolute_url())


class LearningActivityUpdateView(LearningActivityInScopeMixin, UpdateView):
    permission = "reviews.manage_learning"
    template_name = "reviews/learning_form.html"
    form_class = LearningActivityForm

    def get_object(self, queryset=None) -> LearningActivity:
        return self.activity

    def get_form(self, form_class=None):
        return of_board(super().get_form(form_class), self.activity.board_id)

    def form_valid(self, form):
        with transaction.atomic():
            self.object = form.save()
        messages.success(self.request, "Learning activity saved.")
        return HttpResponseRedirect(self.object.get_absolute_url())


class AttendanceView(LearningActivityInScopeMixin, FormView):
    """Record one agency's attendance (replacing what was recorded for it)."""

    permission = "reviews.manage_learning"
    template_name = "reviews/attendance_form.html"
    form_class = AttendanceForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(activity=self.activity, **kwargs)

    def form_valid(self, form):
        agency, attendees = form.cleaned_data["agency"], form.cleaned_data["attendees"]
        with transaction.atomic():
            attendance = LearningAttendance.objects.select_for_update().filter(activity=self.activity, agency=agency)
            attendance = attendance.first() or LearningAttendance(activity=self.activity, agency=agency)
            attendance.attendees = attendees
            attendance._history_user = self.request.user
            attendance.save()
        messages.success(self.request, f"Attendance recorded: {attendees} from {agency.name}.")
        return HttpResponseRedirect(self.activity.get_absolute_url())


def attended_agency(request, pk: int, agency_pk: int) -> LearningAttendance:
    """The attendance of this agency at this briefing, if the user may see both (404 otherwise)."""
    activities = LearningActivity.objects.for_user(request.user).filter(kind=LearningActivity.Kind.BRIEFING)
    activity = get_object_or_404(activities, pk=pk)
    attendances = LearningAttendance.objects.for_user(request.user).select_related("agency", "activity")
    return get_object_or_404(attendances, activity=activity, agency_id=agency_pk)


@require_POST
@permission_required(
    "reviews.confirm_cascade", attended_agency, of=lambda attendance: (attendance.activity, attendance.agency)
)
def confirm_cascade(request, attendance: LearningAttendance, pk: int, agency_pk: int):
    """The agency confirms it cascaded the briefing; confirming twice keeps the first confirmation."""
    with transaction.atomic():
        confirmation, created = CascadeConfirmation.objects.get_or_create(
            activity=attendance.activity,
            agency=attendance.agency,
            defaults={"confirmed_by": request.user},
        )
    if created:
        messages.success(request, f"{attendance.agency.name} has confirmed the briefing was cascaded.")
    return HttpResponseRedirect(attendance.activity.get_absolute_url())
