"""Filtered lists: each list runs its one FilterSet over the user's scope (STYLE.md "Filtering and export")."""

from django.db.models import QuerySet


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
