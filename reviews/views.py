"""Adding and editing reviews and recommendations: the business manager's forms.

The pages that show a review with its actions compose several apps, so they live
in the board layer (lscb/board/review_pages.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import CreateView, UpdateView

from lscb.platform.locking import GuardedSaveMixin
from reviews import permissions
from reviews.forms import RecommendationForm, ReviewForm
from reviews.models import Recommendation, Review


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
