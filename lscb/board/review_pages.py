"""The pages that show reviews with their actions: the register, a review's page and a recommendation's page.

They compose reviews and actions (and, above them, what assurance holds), so they live in the board layer.
"""

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView

from actions import exports, plan, scope
from actions.models import Action, ImpactEvaluation, recommendations_evaluation_overdue
from lscb.board import register, tracker
from lscb.platform.lists import FilteredListMixin, filters_in_a_line
from lscb.platform.pagination import ForgivingPaginationMixin
from lscb.platform.permissions import PermissionRequiredMixin, may
from reviews.boards import current_board, in_view
from reviews.filters import ReviewFilterSet
from reviews.models import LearningActivity, Milestone, PlanImport, Recommendation, Review, next_milestone


class ReviewListView(PermissionRequiredMixin, FilteredListMixin, ForgivingPaginationMixin, ListView):
    """The review register. `?export=tracker` is the NHS Case Review Tracker's fields of the reviews it lists
    (every page of them), a branch of the list on the same FilterSet, for those who read the whole board."""

    permission = "board.browse"
    template_name = "board/review_list.html"
    context_object_name = "reviews"
    paginate_by = 25
    filterset_class = ReviewFilterSet

    def export_tracker(self):
        board = current_board(self.request)
        if not may(self.request.user, "board.export_tracker", board):
            raise PermissionDenied
        filterset = self.get_filterset()
        if not filterset.is_valid():
            self.object_list = filterset.queryset.none()
            return self.render_to_response(self.get_context_data(), status=400)
        rows = tracker.tracker_rows(self.request.user, filterset.qs)
        return exports.csv_download(
            tracker.HEADINGS, tracker.tracker_cells(rows), "case-review-tracker", board.protective_marking
        )

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("export")
        if kind is None:
            return super().get(request, *args, **kwargs)
        if kind == "tracker":
            return self.export_tracker()
        return self.export(kind)

    def export(self, kind: str):
        """The filtered register as a file, with the review's own dates (lscb/board/register.py); an invalid
        filter or format exports nothing and says why."""
        filterset = self.get_filterset()
        if kind not in register.WRITTEN_NOW:  # as the action list answers a format it does not write
            formats = ", ".join([*register.WRITTEN_NOW, "tracker"])
            filterset.form.add_error(None, f"Choose an export format: {formats}, not {kind!r}")
        if not filterset.is_valid():
            self.object_list = filterset.queryset.none()
            return self.render_to_response(self.get_context_data(), status=400)
        return register.WRITTEN_NOW[kind](self.get_queryset(), current_board(self.request))

    def get_scoped_queryset(self) -> QuerySet:
        return in_view(scope.reviews_for(self.request.user), self.request)

    def ordered(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by("-commissioned_on", "title", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        progress = review_progress(self.request.user, context["reviews"])
        next_ones = next_milestones(context["reviews"])
        context.update(
            rows=[(review, progress.get(review.pk, (0, 0)), next_ones.get(review.pk)) for review in context["reviews"]],
            can_manage=may(self.request.user, "reviews.manage_plan", current_board(self.request)),
            filtered=any(any(values) for name, values in self.request.GET.lists() if name != "page"),
            filter_summary=filters_in_a_line(
                context["filterset"], context["paginator"].count, "review", REVIEW_FILTER_PHRASES
            ),
            can_export_tracker=may(self.request.user, "board.export_tracker", current_board(self.request)),
        )
        return context


# How the caption of a filtered register names each filter ("Rapid review, Published: 2 reviews").
REVIEW_FILTER_PHRASES = {"Search": "matching “{}”"}


def next_milestones(reviews) -> dict[int, Milestone]:
    """Each review's next milestone, in one query for the whole page."""
    by_review: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(review__in=[review.pk for review in reviews], done_on__isnull=True):
        by_review.setdefault(milestone.review_id, []).append(milestone)
    return {review_id: next_milestone(milestones) for review_id, milestones in by_review.items()}


def review_progress(user, reviews) -> dict[int, tuple[int, int]]:
    """(completed, total) actions in scope for each review, in one query for the whole page."""
    counts = (
        Action.objects.for_user(user)
        .filter(recommendation__review__in=[review.pk for review in reviews])
        .values_list("recommendation__review", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    done, total = Counter(), Counter()
    for review_id, status, n in counts:
        total[review_id] += n
        if Action(status=status).is_done:
            done[review_id] += n
    return {review_id: (done[review_id], total[review_id]) for review_id in total}


class ReviewDetailView(PermissionRequiredMixin, DetailView):
    permission = "board.view"
    methods_first = True
    template_name = "board/review_detail.html"
    context_object_name = "review"

    def get_permission_object(self) -> Review:
        return get_object_or_404(scope.reviews_for(self.request.user), slug=self.kwargs["slug"])

    def get_object(self, queryset=None) -> Review:
        return self.permission_object

    def get_recommendations(self) -> QuerySet:
        user = self.request.user
        actions = Action.objects.for_user(user).select_related("agency").order_by("pk")
        return (
            scope.recommendations_for(user)
            .filter(review=self.object)
            .select_related("agency")
            .prefetch_related(Prefetch("actions", queryset=actions))
            .order_by("sort_key", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        review = self.object
        can_print_whole = may(user, "actions.print_plan", (review, None))
        # Someone who may print only extracts sees the whole plan's heading numbers, as their extract prints them.
        numbering = None if can_print_whole else plan.agency_numbering(self.object)
        groups = plan.review_sections(self.get_recommendations(), numbering)
        context.update(
            groups=groups,
            total=sum(group.total for group in groups),
            done=sum(group.done for group in groups),
            can_manage=may(user, "reviews.manage_plan", review),
            can_print_whole=can_print_whole,
            # Every agency's extract its viewer may print (a manager or chair: each; a lead: their own),
            # offered beside that agency's heading; an agency with no action yet has no extract.
            extract_numbers={
                g.number for g in groups if g.agency and g.rows and may(user, "actions.print_plan", g.agency)
            },
            extract_agencies=[]
            if can_print_whole
            else [
                g.agency for g in groups if g.agency and g.rows and may(user, "actions.print_plan", (review, g.agency))
            ],
            plan_imports=list(
                PlanImport.objects.for_user(user).filter(review=self.object).select_related("imported_by")
            ),
            sees_all=may(user, "board.see_audit", review),
            learning=list(
                LearningActivity.objects.for_user(user)
                .filter(reviews=self.object)
                .with_attendance()
                .order_by("-held_on", "-pk")
            ),
            **self.milestone_context(),
        )
        return context

    def milestone_context(self) -> dict:
        """The review's milestones and its conversion links (each linked review only if in scope)."""
        review, reviews = self.object, scope.reviews_for(self.request.user)
        milestones = list(Milestone.objects.filter(review=review).select_related("rule__from_milestone", "recorded_by"))
        linked = []
        if review.converted_from_id or review.kind == Review.Kind.RAPID:  # only a rapid review is converted
            linked = list(reviews.filter(Q(pk=review.converted_from_id) | Q(converted_from=review)).order_by("pk"))
        return {
            "milestones": milestones,
            "next_milestone": next_milestone(milestones),
            "converted_from": next((r for r in linked if r.pk == review.converted_from_id), None),
            "converted_to": [r for r in linked if r.converted_from_id == review.pk],
        }


class RecommendationDetailView(PermissionRequiredMixin, DetailView):
    permission = "board.view"
    methods_first = True
    template_name = "board/recommendation_detail.html"
    context_object_name = "recommendation"

    def get_permission_object(self) -> Recommendation:
        recommendations = scope.recommendations_for(self.request.user).select_related("review", "agency")
        return get_object_or_404(recommendations, review__slug=self.kwargs["slug"], pk=self.kwargs["pk"])

    def get_object(self, queryset=None) -> Recommendation:
        return self.permission_object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        evaluations = ImpactEvaluation.objects.for_user(user).filter(recommendation=self.object)
        context.update(
            review=self.object.review,
            actions=list(Action.objects.for_user(user).filter(recommendation=self.object).select_related("agency")),
            themes=list(self.object.themes.all()),
            can_manage=may(user, "reviews.manage_plan", self.object),
            subject=self.object,
            evaluations=list(evaluations.select_related("action")),
            evaluation_overdue=self.evaluation_overdue(),
            evaluate_url=reverse("actions:evaluation-create", args=[self.object.pk])
            if may(user, "actions.evaluate_impact", self.object)
            else None,
        )
        return context

    def evaluation_overdue(self) -> bool:
        today = timezone.localdate()
        if self.object.evaluate_by is None or self.object.evaluate_by >= today:
            return False  # no query for the commonest case
        one = Recommendation.objects.filter(pk=self.object.pk)
        return recommendations_evaluation_overdue(one, today).exists()
