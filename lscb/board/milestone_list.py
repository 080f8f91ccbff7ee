"""/milestones/: the statutory milestones (DESIGN.md §10) of the reviews the person sees, across reviews, filtered
by lscb.board.filters.MilestoneFilterSet, the FilterSet /api/v1/milestones/ runs too. The annual report pack's
timeliness figures cite it (assurance.annual_report)."""

from django.db.models import F, QuerySet
from django.views.generic import ListView

from actions import exports, scope
from lscb.board.filters import MilestoneFilterSet
from lscb.platform.lists import FilteredListMixin, filters_in_a_line
from lscb.platform.pagination import ForgivingPaginationMixin
from lscb.platform.permissions import PermissionRequiredMixin
from lscb.platform.values import person
from reviews.boards import current_board, in_view
from reviews.models import Milestone

# How the caption names each filter ("Overdue, due on or after 1 April 2025: 3 milestones").
MILESTONE_FILTER_PHRASES = {
    "Due on or after": "due on or after {}",
    "Due on or before": "due on or before {}",
    "Done on or after": "done on or after {}",
    "Done on or before": "done on or before {}",
}
CSV_COLUMNS = [
    ("Review reference", lambda m: m.review.reference),
    ("Review", lambda m: m.review.title),
    ("Web address name", lambda m: m.review.slug),
    ("Milestone", lambda m: m.name),
    ("Due", lambda m: m.due_on),
    ("Extension agreed to", lambda m: m.extended_to),
    ("Done", lambda m: m.done_on),
    ("State", lambda m: m.get_state_display()),
    ("Recorded by", lambda m: person(m.recorded_by) if m.recorded_by_id else ""),
]


def milestones_in_view(request) -> QuerySet:
    """The milestones of the reviews the register shows this person (the board in view), with what a row reads."""
    reviews = in_view(scope.reviews_for(request.user), request)
    return Milestone.objects.filter(review__in=reviews.values("pk")).select_related("review", "recorded_by")


class MilestoneListView(PermissionRequiredMixin, FilteredListMixin, ForgivingPaginationMixin, ListView):
    """Milestones across reviews: those still to do first, soonest due first (no date last), then those done,
    latest done first. `?export=csv` is every page of them as a spreadsheet."""

    permission = "board.browse"  # the register's: a lead sees the milestones of the reviews the register shows them
    template_name = "board/milestone_list.html"
    context_object_name = "milestones"
    paginate_by = 50
    filterset_class = MilestoneFilterSet

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("export")
        if kind is None:
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset()
        if kind != "csv":  # as the register answers a format it does not write
            filterset.form.add_error(None, f"Choose an export format: csv, not {kind!r}")
        if not filterset.is_valid():
            self.object_list = filterset.queryset.none()
            return self.render_to_response(self.get_context_data(), status=400)
        rows = ([read(m) for _, read in CSV_COLUMNS] for m in self.get_queryset())
        marking = getattr(current_board(request), "protective_marking", None)  # None: someone on no board
        return exports.csv_download([h for h, _ in CSV_COLUMNS], rows, "milestones", marking)

    def get_scoped_queryset(self) -> QuerySet:
        return milestones_in_view(self.request)

    def ordered(self, queryset: QuerySet) -> QuerySet:
        # What needs doing comes first: a year's milestones done long ago would otherwise open the list.
        return queryset.order_by(
            F("done_on").desc(nulls_first=True),
            F("due_on").asc(nulls_last=True),
            "review__title",
            "review_id",
            "order",
            "pk",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filtered=any(any(values) for name, values in self.request.GET.lists() if name not in ("page", "board")),
            filter_summary=filters_in_a_line(
                context["filterset"], context["paginator"].count, "milestone", MILESTONE_FILTER_PHRASES
            ),
        )
        return context
