"""The review register's filters (STYLE.md "Filtering and export")."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from reviews.models import DEADLINES_AHEAD_WORKING_DAYS, LearningActivity, Review

# Django's own messages end with a full stop and do not say what to do (docs/DESIGN-notes.md, "error messages").
REAL_DATE = {"invalid": "Enter a real date, for example 31/03/2026"}
SEARCH_LIMIT = {"max_length": "Search for at most 200 characters"}

DEADLINES = [
    ("overdue", "A milestone overdue"),
    ("due", f"A milestone due in the next {DEADLINES_AHEAD_WORKING_DAYS} working days"),
]


class ReviewFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=Review.Kind.choices,
        label="Kind of review",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not a kind of review"},
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Review.Status.choices,
        label="Status",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not a review status"},
    )
    deadline = django_filters.ChoiceFilter(
        choices=DEADLINES,
        label="Deadlines",
        empty_label="Any",
        method="filter_deadline",
        error_messages={"invalid_choice": "Select overdue or due in the next 20 working days"},
    )
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
        error_messages=SEARCH_LIMIT,
    )
    # The annual report pack's figures (assurance.annual_report) cite these: commissioned, concluded in a year.
    commissioned_after = django_filters.DateFilter(
        field_name="commissioned_on", lookup_expr="gte", label="Commissioned on or after", error_messages=REAL_DATE
    )
    commissioned_before = django_filters.DateFilter(
        field_name="commissioned_on", lookup_expr="lte", label="Commissioned on or before", error_messages=REAL_DATE
    )
    published_after = django_filters.DateFilter(
        field_name="published_on", lookup_expr="gte", label="Published on or after", error_messages=REAL_DATE
    )
    published_before = django_filters.DateFilter(
        field_name="published_on", lookup_expr="lte", label="Published on or before", error_messages=REAL_DATE
    )
    ongoing_on = django_filters.DateFilter(
        method="filter_ongoing",
        label="Ongoing on",
        help_text="Commissioned by this date and not yet published.",
        error_messages=REAL_DATE,
    )

    class Meta:
        model = Review
        fields = [
            "kind", "status", "deadline", "q", "commissioned_after", "commissioned_before", "published_after",
            "published_before", "ongoing_on",
        ]  # fmt: skip

    def filter_ongoing(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(commissioned_on__lte=value).exclude(published_on__lte=value)

    def filter_deadline(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == "overdue":
            return queryset.with_milestone_overdue(today)
        return queryset.with_milestone_due(today, DEADLINES_AHEAD_WORKING_DAYS)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(reference__icontains=value)
            | Q(subject__icontains=value)
            | Q(slug__icontains=value)
        )


class LearningActivityFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=LearningActivity.Kind.choices,
        label="Kind",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not a kind of learning activity"},
    )
    held_after = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label="On or after", error_messages=REAL_DATE
    )
    held_before = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label="On or before", error_messages=REAL_DATE
    )
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
        error_messages=SEARCH_LIMIT,
    )

    class Meta:
        model = LearningActivity
        fields = ["kind", "held_after", "held_before", "q"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset
