"""The board's pages' own filters: the change log's (who, which kind of record, which kind of change, and when)
and the milestone list's."""

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from actions.filters import reviews_for
from actions.models import Action
from lscb.platform.forms import DateFilter
from lscb.platform.history import history_model_of, record_kind_choices
from reviews.models import DUE_SOON_WORKING_DAYS, Milestone, Review

CHANGE_TYPES = {"created": "+", "changed": "~", "deleted": "-"}
CHANGE_CHOICES = [("created", "Created"), ("changed", "Changed"), ("deleted", "Deleted")]


class UserChoiceField(django_filters.fields.ModelChoiceField):
    """People by name, with their username to tell two Sams apart."""

    def label_from_instance(self, obj) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.get_username()})" if full_name else obj.get_username()


class UserFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField


class AuditFilterForm(forms.Form):
    """The change log's filters; drawn as GOV.UK fields by the form renderer (templates/govuk/field.html)."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a day, in the board's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditFilterSet(django_filters.FilterSet):
    """Narrows every historical model's rows the same way; the change log unites what is left.

    It has no single queryset: call `filter_queryset()` on each historical
    model's rows (lscb.platform.history.timeline does, through its `narrow` argument).
    """

    user = UserFilter(
        label="Changed by",
        field_name="history_user",
        queryset=get_user_model().objects.order_by("first_name", "last_name", "username"),
        empty_label="Anyone",
        error_messages={"invalid_choice": "Select a person from the list"},
    )
    kind = django_filters.ChoiceFilter(
        label="Kind of record",
        choices=record_kind_choices,
        empty_label="Any kind of record",
        method="filter_kind",
        error_messages={"invalid_choice": "Select a kind of record from the list"},
    )
    change = django_filters.ChoiceFilter(
        label="Kind of change",
        choices=CHANGE_CHOICES,
        empty_label="Any change",
        method="filter_change",
        error_messages={"invalid_choice": "Select created, changed or deleted"},
    )
    date_from = DateFilter(
        label="From",
        help_text="For example, 1 3 2026",
        method="filter_date_from",
        error_messages={"invalid": "Enter the ‘from’ date as a real date, for example 31/03/2026"},
    )
    date_to = DateFilter(
        label="To",
        help_text="For example, 31 3 2026",
        method="filter_date_to",
        error_messages={"invalid": "Enter the ‘to’ date as a real date, for example 31/03/2026"},
    )

    class Meta:
        fields = ["user", "kind", "change", "date_from", "date_to"]
        form = AuditFilterForm

    def __init__(self, data=None, *, request=None, prefix=None):
        # django-filter hangs its filters on one model; these filters read only the columns
        # every historical model shares, so any of them will do. Its `.qs` is not used.
        placeholder = history_model_of(Action)._default_manager.none()
        super().__init__(data, queryset=placeholder, request=request, prefix=prefix)

    def filter_kind(self, queryset, name, value):
        if queryset.model.instance_type._meta.label_lower == value:
            return queryset
        return queryset.none()

    def filter_change(self, queryset, name, value):
        return queryset.filter(history_type=CHANGE_TYPES[value])

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(history_date__gte=_start_of(value))

    def filter_date_to(self, queryset, name, value):
        if value == datetime.date.max:
            return queryset  # up to the last day there is: no bound (the day after it would overflow)
        return queryset.filter(history_date__lt=_start_of(value + datetime.timedelta(days=1)))


# The milestone list's states, in the order a reader asks about them ("no date set" last: nothing to count yet).
MILESTONE_STATES = [
    (Milestone.State.OVERDUE, "Overdue"),
    (Milestone.State.DUE_SOON, f"Due soon (in the next {DUE_SOON_WORKING_DAYS} working days)"),
    (Milestone.State.ON_TIME, "On time"),
    (Milestone.State.DONE_LATE, "Done late"),
    (Milestone.State.DONE, "Done on time"),
    (Milestone.State.NO_DATE, "No date set"),
]
MILESTONE_ERRORS = {
    "review": "There is no review “%(value)s” that you can see",
    "kind": "“%(value)s” is not a kind of review",
    "state": "“%(value)s” is not a milestone state",
}


class MilestoneFilterSet(django_filters.FilterSet):
    """The milestone list's one FilterSet (/milestones/), shared by /api/v1/milestones/ as the action list's is.
    `?board=` is not one of its filters: the page's board in view, the API's BoardFilter."""

    review = django_filters.ModelChoiceFilter(
        queryset=reviews_for,
        to_field_name="slug",
        label="Review",
        empty_label="Any review",
        widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
    )
    kind = django_filters.MultipleChoiceFilter(
        field_name="review__kind",
        choices=Review.Kind.choices,
        label="Kind of review",
        widget=forms.CheckboxSelectMultiple,
    )
    state = django_filters.MultipleChoiceFilter(
        choices=MILESTONE_STATES, method="filter_state", label="State", widget=forms.CheckboxSelectMultiple
    )
    due_after = DateFilter(field_name="due_on", lookup_expr="gte", label="Due on or after")
    due_before = DateFilter(field_name="due_on", lookup_expr="lte", label="Due on or before")
    done_after = DateFilter(field_name="done_on", lookup_expr="gte", label="Done on or after")
    done_before = DateFilter(field_name="done_on", lookup_expr="lte", label="Done on or before")

    class Meta:
        model = Milestone
        fields = ["review", "kind", "state", "due_after", "due_before", "done_after", "done_before"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name, message in MILESTONE_ERRORS.items():
            self.form.fields[name].error_messages["invalid_choice"] = message

    def filter_state(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        # The state moves with the calendar: counted on today's date, as each row's tag is.
        return queryset.in_states(value, timezone.localdate()) if value else queryset
