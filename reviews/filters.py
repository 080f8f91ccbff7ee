"""The review register's filters (STYLE.md "Filtering and export")."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from reviews.models import Review


class ReviewFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=Review.Kind.choices, label="Kind of review", widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Review.Status.choices, label="Status", widget=forms.CheckboxSelectMultiple
    )
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
    )

    class Meta:
        model = Review
        fields = ["kind", "status", "q"]

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
