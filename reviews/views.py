"""The review register, review pages and recommendations.

reviews is the lowest layer and imports no other app (DESIGN.md §2). A review
page still shows its actions: it reaches them through the reverse relation
`Recommendation.actions` and their own `for_user()` queryset, never by import.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from lscb import permissions, roles
from reviews.changes import StaleEdit, check_history_marker, latest_history_id
from reviews.filters import ReviewFilterSet
from reviews.forms import RecommendationForm, ReviewForm
from reviews.models import Agency, Recommendation, Review


def action_model():
    """The Action model, reached through the reverse relation so reviews need not import actions."""
    return Recommendation.actions.rel.related_model


def scoped_review(user, slug: str) -> Review:
    return get_object_or_404(Review.objects.for_user(user), slug=slug)


def scoped_recommendation(user, slug: str, pk: int) -> Recommendation:
    queryset = Recommendation.objects.for_user(user).select_related("review", "agency")
    return get_object_or_404(queryset, review__slug=slug, pk=pk)


class PlanManagerRequiredMixin:
    """Only the business manager changes the plan; everyone else gets 403 (after the scoped
    fetch in `check_scope`, so an object outside the user's scope still answers 404)."""

    def check_scope(self) -> None:
        """Fetch the objects in the URL through the user's scope (404 outside it)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.check_scope()
        if not permissions.can_manage_plan(request.user):
            raise PermissionDenied("Only the business manager can change the action plan.")
        return super().dispatch(request, *args, **kwargs)


class GuardedSaveMixin:
    """Save a model form only if nobody changed the record since the form was opened."""

    guarded_fields: list[str] = []
    stale_message = "Someone changed this record after you opened the form. Your changes have not been saved."

    def get_initial(self):
        return {**super().get_initial(), "seen": latest_history_id(self.object)}

    def form_valid(self, form):
        try:
            with transaction.atomic():
                locked = type(self.object).objects.select_for_update().get(pk=self.object.pk)
                check_history_marker(locked, form.cleaned_data.get("seen"), self.guarded_fields)
                self.object = form.save()
        except StaleEdit as stale:
            return self.stale_response(form, stale)
        except IntegrityError:
            return self.integrity_error(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def integrity_error(self, form):
        form.add_error(None, "This could not be saved because it clashes with another record. Check and try again.")
        return self.form_invalid(form)

    def stale_response(self, form, stale: StaleEdit):
        form.add_error(None, self.stale_message)
        # Opening the form again at the current version: saving once more overwrites, knowingly.
        form.data = form.data.copy()
        form.data["seen"] = stale.current_marker
        return self.render_to_response(self.get_context_data(form=form, changes=stale.changes))


class ForgivingPaginationMixin:
    """A bad or out-of-range page number shows the nearest page rather than a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        return context


class ReviewListView(ForgivingPaginationMixin, ListView):
    template_name = "reviews/review_list.html"
    context_object_name = "reviews"
    paginate_by = 25

    def get_filterset(self) -> ReviewFilterSet:
        return ReviewFilterSet(self.request.GET or None, queryset=Review.objects.for_user(self.request.user))

    def get_queryset(self) -> QuerySet:
        self.filterset = self.get_filterset()
        if self.filterset.is_bound and not self.filterset.is_valid():
            return Review.objects.none()
        return self.filterset.qs.order_by("-commissioned_on", "title", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        progress = review_progress(self.request.user, context["reviews"])
        context.update(
            filterset=self.filterset,
            form=self.filterset.form,
            rows=[(review, progress.get(review.pk, (0, 0))) for review in context["reviews"]],
            can_manage=permissions.can_manage_plan(self.request.user),
        )
        return context


def review_progress(user, reviews) -> dict[int, tuple[int, int]]:
    """(completed, total) actions in scope for each review, in one query for the whole page."""
    Action = action_model()
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


@dataclass
class AgencyGroup:
    """An agency's rows on the review page, as in the printed plan ("1. Cafcass")."""

    agency: Agency | None
    recommendations: list = field(default_factory=list)

    @property
    def actions(self) -> list:
        return [action for rec in self.recommendations for action in rec.actions.all()]

    @property
    def total(self) -> int:
        return len(self.actions)

    @property
    def done(self) -> int:
        return sum(1 for action in self.actions if action.is_done)


def agency_groups(recommendations) -> list[AgencyGroup]:
    """Group recommendations (already in number order) by agency; agencies follow their first
    number, and board-wide recommendations (no agency) form a group of their own."""
    groups: dict[int | None, AgencyGroup] = {}
    for rec in recommendations:
        groups.setdefault(rec.agency_id, AgencyGroup(rec.agency)).recommendations.append(rec)
    return list(groups.values())


class ReviewDetailView(DetailView):
    template_name = "reviews/review_detail.html"
    context_object_name = "review"

    def get_object(self, queryset=None) -> Review:
        return scoped_review(self.request.user, self.kwargs["slug"])

    def get_recommendations(self) -> QuerySet:
        user = self.request.user
        actions = action_model().objects.for_user(user).select_related("agency").order_by("pk")
        return (
            Recommendation.objects.for_user(user)
            .filter(review=self.object)
            .select_related("agency")
            .prefetch_related(Prefetch("actions", queryset=actions))
            .order_by("sort_key", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        groups = agency_groups(self.get_recommendations())
        sees_all = roles.sees_whole_board(user)
        context.update(
            groups=groups,
            total=sum(group.total for group in groups),
            done=sum(group.done for group in groups),
            can_manage=permissions.can_manage_plan(user),
            can_print_whole=permissions.can_print_plan(user),
            extract_agencies=[]
            if sees_all
            else [g.agency for g in groups if g.agency and permissions.leads(user, g.agency.pk)],
            plan_imports=list(self.object.plan_imports.select_related("imported_by")) if sees_all else [],
            sees_all=sees_all,
        )
        return context


class ReviewCreateView(PlanManagerRequiredMixin, CreateView):
    template_name = "reviews/review_form.html"
    form_class = ReviewForm

    def form_valid(self, form):
        with transaction.atomic():
            self.object = form.save()
        messages.success(self.request, f"Review {self.object.title} created.")
        return HttpResponseRedirect(self.object.get_absolute_url())


class ReviewUpdateView(PlanManagerRequiredMixin, GuardedSaveMixin, UpdateView):
    template_name = "reviews/review_form.html"
    form_class = ReviewForm
    guarded_fields = ReviewForm.Meta.fields
    stale_message = "Someone changed this review after you opened the form. Your changes have not been saved."
    success_message = "Review saved."

    def check_scope(self) -> None:
        self.review = scoped_review(self.request.user, self.kwargs["slug"])

    def get_object(self, queryset=None) -> Review:
        return self.review


class RecommendationDetailView(DetailView):
    template_name = "reviews/recommendation_detail.html"
    context_object_name = "recommendation"

    def get_object(self, queryset=None) -> Recommendation:
        return scoped_recommendation(self.request.user, self.kwargs["slug"], self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            review=self.object.review,
            actions=list(
                action_model().objects.for_user(user).filter(recommendation=self.object).select_related("agency")
            ),
            themes=list(self.object.themes.all()),
            can_manage=permissions.can_manage_plan(user),
        )
        return context


class RecommendationFormMixin(PlanManagerRequiredMixin):
    template_name = "reviews/recommendation_form.html"
    form_class = RecommendationForm

    def check_scope(self) -> None:
        self.review = scoped_review(self.request.user, self.kwargs["slug"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "review": self.review}

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, **kwargs)

    def integrity_error(self, form):
        form.add_error(
            "number", "Another recommendation in this review has just taken this number. Enter a different number."
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
    guarded_fields = ["number", "agency", "text", "source"]
    stale_message = "Someone changed this recommendation after you opened the form. Your changes have not been saved."
    success_message = "Recommendation saved."

    def check_scope(self) -> None:
        self.recommendation = scoped_recommendation(self.request.user, self.kwargs["slug"], self.kwargs["pk"])
        self.review = self.recommendation.review

    def get_object(self, queryset=None) -> Recommendation:
        return self.recommendation
