"""FilterSets for the assurance request list and the challenge event list."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from assurance.models import AssuranceRequest, ChallengeEvent
from reviews.models import Agency


def _agencies(request) -> QuerySet:
    """Only the agencies the user may see, so the choice list cannot reveal or probe other agencies."""
    if request is None:
        return Agency.objects.none()
    return Agency.objects.for_user(request.user)


# In the action list's words (actions.filters.ERROR_MESSAGES), not Django's "Select a valid choice.".
NO_SUCH_AGENCY = {"invalid_choice": "There is no agency “%(value)s” that you can see"}


class AssuranceRequestFilter(django_filters.FilterSet):
    agency = django_filters.ModelChoiceFilter(
        queryset=_agencies, empty_label="All agencies", error_messages=NO_SUCH_AGENCY
    )
    state = django_filters.ChoiceFilter(
        choices=AssuranceRequest.State.choices,
        method="filter_state",
        empty_label="Any state",
        label="State",
        error_messages={"invalid_choice": "“%(value)s” is not a state of a request"},
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("1", "Overdue only"), ("0", "Not overdue")],
        method="filter_overdue",
        label="Overdue",
        empty_label="Overdue or not",
        error_messages={"invalid_choice": "Overdue can only be 1 (overdue only) or 0 (not overdue)"},
    )

    class Meta:
        model = AssuranceRequest
        fields = ["agency", "state", "overdue"]

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == AssuranceRequest.State.ANSWERED:
            return queryset.filter(response_received_on__isnull=False)
        if value == AssuranceRequest.State.NO_RESPONSE:
            return queryset.no_response(today)
        return queryset.unanswered().filter(due_on__gte=today)

    def filter_overdue(self, queryset, name, value):
        """Overdue: past its due date with no reply (the same requests as "no response")."""
        overdue = Q(response_received_on__isnull=True, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value == "1" else queryset.exclude(overdue)


class ChallengeEventFilter(django_filters.FilterSet):
    agency = django_filters.ModelChoiceFilter(
        queryset=_agencies,
        method="filter_agency",
        empty_label="All agencies",
        label="Agency invited",
        error_messages=NO_SUCH_AGENCY,
    )
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = ChallengeEvent
        fields = ["agency", "q"]

    def filter_agency(self, queryset, name, value):
        return queryset.filter(agencies_invited=value).distinct()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(chair__icontains=value)).distinct()
