"""Filtered lists: each list runs its one FilterSet over the user's scope (STYLE.md "Filtering and export")."""

import datetime

from django import forms
from django.db.models import QuerySet

from lscb.platform.values import is_empty, long_date


class FilteredListMixin:
    """A ListView drawn through `filterset_class` over `get_scoped_queryset()`.

    An invalid filter value is reported on the page and shows no rows: django-filter would otherwise
    drop the bad value silently and list more than was asked for. The template gets `filterset` and
    `form`.
    """

    filterset_class: type

    def get_scoped_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_filterset(self):
        if getattr(self, "filterset", None) is None:
            queryset = self.get_scoped_queryset()
            self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset

    def get_queryset(self) -> QuerySet:
        filterset = self.get_filterset()
        if filterset.is_bound and not filterset.is_valid():
            return filterset.queryset.none()
        return self.ordered(filterset.qs)

    def ordered(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def get_context_data(self, **kwargs):
        filterset = self.get_filterset()
        return super().get_context_data(filterset=filterset, form=filterset.form, **kwargs)


def filters_in_words(filterset, leave_out: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Each filter a valid, bound FilterSet applies, as (its label, its values in words): what a printed
    list says it holds ("Status: In progress or On hold"). Unset filters and `leave_out` are not named."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    words = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        values = list(value) if isinstance(value, list | tuple | QuerySet) else [value]
        values = [v for v in values if not is_empty(v)]
        if name in leave_out or not values:
            continue
        labels = {} if isinstance(field, forms.ModelChoiceField) else dict(getattr(field, "choices", None) or [])
        shown = [long_date(v) if isinstance(v, datetime.date) else str(labels.get(v, v)) for v in values]
        words.append((str(field.label), " or ".join(shown)))
    return words


def filters_in_a_line(
    filterset, count: int, noun: str, phrases: dict[str, str], leave_out: tuple[str, ...] = ()
) -> str:
    """Above a filtered list, what it shows in words: "Legal Services, overdue: 3 actions".

    Each filter applied is its values in words (filters_in_words), or the phrase `phrases` gives for its label,
    with "{}" standing for the values ("due on or before {}"); `noun` is "action" or "review", made plural
    with an "s" for any count but one. The filters' own order gives the order of the words."""
    words = [phrases.get(label, "{}").format(value) for label, value in filters_in_words(filterset, leave_out)]
    counted = f"{count} {noun}{'' if count == 1 else 's'}"
    line = f"{', '.join(words)}: {counted}" if words else counted
    return line[:1].upper() + line[1:]  # "Overdue: 17 actions" when the first filter is a phrase
