"""Pagination: one forgiving paginator for every list, one context, drawn by one include.

Every paginated page puts `pagination` (from `pagination_links()`) in its context and writes
`{% include "includes/pagination.html" %}`. Page links keep the page's other query parameters
(filters, sort), so a bookmarked or shared page shows the same rows.
"""

from django.core.paginator import Page
from django.http import QueryDict


def pagination_links(page: Page, query: QueryDict) -> dict:
    """What the GOV.UK pagination component needs: previous/next links and numbered pages with gaps.

    An empty `items` list means there is a single page and the include draws nothing.
    """
    params = query.copy()

    def href(number: int) -> str:
        params["page"] = number
        return "?" + params.urlencode()

    paginator = page.paginator
    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": href(number), "current": number == page.number})
    return {
        "previous": href(page.number - 1) if page.has_previous() else "",
        "next": href(page.number + 1) if page.has_next() else "",
        "items": items if paginator.num_pages > 1 else [],
        "number": page.number,
        "num_pages": paginator.num_pages,
    }


class ForgivingPaginationMixin:
    """A bad or out-of-range page number shows the nearest page rather than a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            context["pagination"] = pagination_links(page, self.request.GET)
        return context
