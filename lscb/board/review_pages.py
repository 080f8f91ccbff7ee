"""The pages that show reviews with their actions: the register, a review's page and a recommendation's page.

They compose reviews and actions (and, above them, what assurance holds), so they live in the board layer.
"""

from collections import Counter

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from actions import plan, scope
from actions.models import Action
from lscb.platform.lists import FilteredListMixin
from lscb.platform.pagination import ForgivingPaginationMixin
from lscb.platform.permissions import PermissionRequiredMixin, may
from reviews.filters import ReviewFilterSet
from reviews.models import PlanImport, Recommendation, Review


class ReviewListView(PermissionRequiredMixin, FilteredListMixin, ForgivingPaginationMixin, ListView):
    permission = "board.browse"
    template_name = "board/review_list.html"
    context_object_name = "reviews"
    paginate_by = 25
    filterset_class = ReviewFilterSet

    def get_scoped_queryset(self) -> QuerySet:
        return scope.reviews_for(self.request.user)

    def ordered(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by("-commissioned_on", "title", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        progress = review_progress(self.request.user, context["reviews"])
        context.update(
            rows=[(review, progress.get(review.pk, (0, 0))) for review in context["reviews"]],
            can_manage=may(self.request.user, "reviews.manage_plan"),
        )
        return context


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
        can_print_whole = may(user, "actions.print_plan", None)
        # Someone who may print only extracts sees the whole plan's heading numbers, as their extract prints them.
        numbering = None if can_print_whole else plan.agency_numbering(self.object)
        groups = plan.review_sections(self.get_recommendations(), numbering)
        context.update(
            groups=groups,
            total=sum(group.total for group in groups),
            done=sum(group.done for group in groups),
            can_manage=may(user, "reviews.manage_plan"),
            can_print_whole=can_print_whole,
            extract_agencies=[]
            if can_print_whole
            else [g.agency for g in groups if g.agency and may(user, "actions.print_plan", g.agency)],
            plan_imports=list(
                PlanImport.objects.for_user(user).filter(review=self.object).select_related("imported_by")
            ),
            sees_all=may(user, "board.see_audit"),
        )
        return context


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
        context.update(
            review=self.object.review,
            actions=list(Action.objects.for_user(user).filter(recommendation=self.object).select_related("agency")),
            themes=list(self.object.themes.all()),
            can_manage=may(user, "reviews.manage_plan"),
        )
        return context
