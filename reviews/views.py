"""Adding and editing reviews and recommendations: the business manager's forms.

The pages that show a review with its actions compose several apps, so they live
in the board layer (lscb/board/review_pages.py).
"""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import CreateView, UpdateView

from lscb.platform.locking import GuardedSaveMixin
from lscb.platform.permissions import PermissionRequiredMixin
from reviews.forms import RecommendationForm, ReviewForm
from reviews.models import Recommendation, Review


class ManagePlanMixin(PermissionRequiredMixin):
    """Only the business manager changes the plan; the review or recommendation in the URL is fetched
    through reviews' own scope first (this is reviews' manager form, so reviews' for_user suffices)."""

    permission = "reviews.manage_plan"


class ReviewCreateView(ManagePlanMixin, CreateView):
    template_name = "reviews/review_form.html"
    form_class = ReviewForm

    def form_valid(self, form):
        with transaction.atomic():
            self.object = form.save()
        messages.success(self.request, f"Review {self.object.title} created.")
        return HttpResponseRedirect(self.object.get_absolute_url())


class ReviewUpdateView(ManagePlanMixin, GuardedSaveMixin, UpdateView):
    template_name = "reviews/review_form.html"
    form_class = ReviewForm
    guarded_fields = ReviewForm.Meta.fields
    stale_message = "Someone changed this review after you opened the form. Your changes have not been saved."
    success_message = "Review saved."

    def get_permission_object(self) -> Review:
        self.review = get_object_or_404(Review.objects.for_user(self.request.user), slug=self.kwargs["slug"])
        return self.review

    def get_object(self, queryset=None) -> Review:
        return self.review


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

    def get_permission_object(self) -> Recommendation:
        recommendations = Recommendation.objects.for_user(self.request.user).select_related("review", "agency")
        self.recommendation = get_object_or_404(recommendations, review__slug=self.kwargs["slug"], pk=self.kwargs["pk"])
        self.review = self.recommendation.review
        return self.recommendation

    def get_object(self, queryset=None) -> Recommendation:
        return self.recommendation
