"""The action list's one FilterSet (DESIGN.md §8), shared by the list page and its exports.

Every parameter is validated: an unknown status, a bad date, a non-numeric id or
an unknown review is a form error, and the view then shows no rows rather than
a wider list (django-filter would otherwise silently drop the bad value).
"""

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from actions import scope
from actions.choices import ActionStatus, AssuranceLevel, Rag
from actions.models import Action, ProgressUpdate
from lscb.platform.forms import DateFilter
from reviews.forms import IdsWithinDatabaseIntegersMixin
from reviews.models import Agency, Recommendation, Review, Theme

SORTS = {
    "number": "Recommendation number",
    "due": "Due date",
    "status": "Status",
    "agency": "Agency",
}
SORT_CHOICES = [(key, label) for key, label in SORTS.items()] + [
    (f"-{key}", f"{label} (reversed)") for key, label in SORTS.items()
]
# Plain words for bad input, naming the value that is wrong.
ERROR_MESSAGES = {
    "review": "There is no review “%(value)s” that you can see",
    "agency": "There is no agency “%(value)s” that you can see",
    "status": "“%(value)s” is not an action status",
    "rag": "“%(value)s” is not a RAG colour",
    "assurance": "“%(value)s” is not an assurance level",
    "theme": "There is no learning theme “%(value)s”",
    "overdue": "Overdue can only be 1 (overdue actions only)",
    "sort": "“%(value)s” is not a way to sort the list",
}
NUMBER_ORDER = [
    "recommendation__review__commissioned_on",
    "recommendation__review_id",
    "recommendation__sort_key",
    "pk",
]


class BoundedModelMultipleChoiceField(IdsWithinDatabaseIntegersMixin, django_filters.fields.ModelMultipleChoiceField):
    pass


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Ids beyond the database's integers are reported as unknown rather than crashing SQLite."""

    field_class = BoundedModelMultipleChoiceField


def reviews_for(request) -> QuerySet:
    return scope.reviews_for(request.user) if request else Review.objects.none()


def agencies_for(request) -> QuerySet:
    return Agency.objects.for_user(request.user) if request else Agency.objects.none()


class ActionFilterSet(django_filters.FilterSet):
    # distinct=False throughout: no filter joins a many-valued relation (themes, evidence and
    # progress go through subqueries), and DISTINCT would make every count scan and sort.
    review = django_filters.ModelChoiceFilter(
        field_name="recommendation__review",
        to_field_name="slug",
        queryset=reviews_for,
        label="Review",
        widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
    )
    agency = ModelMultipleChoiceFilter(
        queryset=agencies_for, label="Agency", widget=forms.CheckboxSelectMultiple, distinct=False
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ActionStatus.choices, label="Status", widget=forms.CheckboxSelectMultiple, distinct=False
    )
    rag = django_filters.MultipleChoiceFilter(
        choices=Rag.choices, method="filter_rag", label="RAG", widget=forms.CheckboxSelectMultiple, distinct=False
    )
    assurance = django_filters.MultipleChoiceFilter(
        field_name="assurance_level",
        choices=AssuranceLevel.choices,
        label="Assurance",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    theme = ModelMultipleChoiceFilter(
        queryset=Theme.objects.all(),
        method="filter_theme",
        label="Learning theme",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    due_after = DateFilter(field_name="due_date", lookup_expr="gte", label="Due on or after")
    due_before = DateFilter(field_name="due_date", lookup_expr="lte", label="Due on or before")
    overdue = django_filters.ChoiceFilter(choices=[("1", "Overdue only")], method="filter_overdue", label="Overdue")
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=200,
        help_text="Words in the recommendation, the action, its progress or its evidence titles",
        widget=forms.SearchInput,
    )
    sort = django_filters.ChoiceFilter(choices=SORT_CHOICES, method="sort_by", label="Sort by")

    class Meta:
        model = Action
        fields = [
            "review",
            "agency",
            "status",
            "rag",
            "assurance",
            "theme",
            "due_after",
            "due_before",
            "overdue",
            "q",
            "sort",
        ]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        fields = self.form.fields
        for name, message in ERROR_MESSAGES.items():
            fields[name].error_messages.update(
                invalid_choice=message, invalid_pk_value=message.replace("%(value)s", "%(pk)s")
            )
        fields["q"].error_messages["max_length"] = "Search for at most 200 characters"

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("sort"):
            queryset = queryset.order_by(*NUMBER_ORDER)
        return queryset

    def filter_rag(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.with_rag().filter(rag_value__in=value) if value else queryset

    def filter_theme(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        # A subquery, not a join, so an action whose recommendation has two chosen themes appears once.
        tagged = Recommendation.themes.through.objects.filter(theme__in=value).values("recommendation_id")
        return queryset.filter(recommendation_id__in=tagged)

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.overdue() if value == "1" else queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        with_evidence = Action.objects.filter(evidence__title__icontains=value, evidence__withdrawn=False)
        with_progress = ProgressUpdate.objects.filter(text__icontains=value)
        return queryset.filter(
            Q(description__icontains=value)
            | Q(progress__icontains=value)
            | Q(recommendation__text__icontains=value)
            | Q(recommendation__number=value)
            | Q(pk__in=with_evidence.values("pk"))
            | Q(pk__in=with_progress.values("action_id"))
        )

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        key = value.lstrip("-")
        descending = value.startswith("-")
        if key == "due":
            due = F("due_date").desc(nulls_last=True) if descending else F("due_date").asc(nulls_last=True)
            return queryset.order_by(due, *NUMBER_ORDER)
        if key == "status":
            workflow = Case(
                *[When(status=status, then=Value(i)) for i, status in enumerate(ActionStatus.values)],
                output_field=IntegerField(),
            )
            return queryset.order_by(workflow.desc() if descending else workflow.asc(), *NUMBER_ORDER)
        if key == "agency":
            agency = F("agency__name").desc(nulls_last=True) if descending else F("agency__name").asc(nulls_last=True)
            return queryset.order_by(agency, *NUMBER_ORDER)
        if descending:
            return queryset.order_by(*[f"-{field}" for field in NUMBER_ORDER])
        return queryset.order_by(*NUMBER_ORDER)
