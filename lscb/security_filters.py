import django_filters
from django import forms
from django.contrib.auth import get_user_model

from lscb.security import EventKind
from lscb.security_models import SecurityEvent

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


class SecurityEventFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=EventKind.choices, empty_label="Any kind", widget=forms.Select(attrs={"class": "govuk-select"})
    )
    user = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"),
        empty_label="Anyone",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    date_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="From", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="To", widget=DATE_INPUT)

    class Meta:
        model = SecurityEvent
        fields = ["kind", "user", "date_from", "date_to"]
