"""The reporting API's endpoints (DESIGN.md §14): read-only, each over the same scope as the pages.

Every endpoint reads through the user's `for_user()` scope (or actions.scope for reviews and
recommendations, as the pages do), so the API can never show more than the person sees on screen,
and a record out of scope answers 404. The action endpoint runs the action list's own FilterSet
(actions.filters.ActionFilterSet) with the same query parameters as /actions/, the review endpoint
the review register's (reviews.filters.ReviewFilterSet), the milestone endpoint the milestone list's
(lscb.board.filters.MilestoneFilterSet); a value the page would refuse answers 400
naming it, never a wider list.
"""

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, filters, routers, viewsets

from actions import scope
from actions.filters import ActionFilterSet
from actions.list_exports import list_actions
from assurance.models import AssuranceJudgement
from lscb.board.api import serializers
from lscb.board.filters import MilestoneFilterSet
from lscb.platform.api_tokens.rest import NamedPermission
from reviews import roles
from reviews.filters import LearningActivityFilterSet, ReviewFilterSet
from reviews.models import Agency, LearningActivity, LearningAttendance, Milestone, Review

# The schema reads each filter's type off its model field; the theme filter matches through a method (a
# subquery), so the schema is told: a theme's id, repeatable. (Otherwise `check --deploy` warns.)
extend_schema_field(OpenApiTypes.INT)(ActionFilterSet.base_filters["theme"])


class BoardFilter(filters.BaseFilterBackend):
    """`?board=<slug>` (repeatable): only the rows of these boards, exactly as a page shows them with that board
    in view (reviews.boards.in_view). A board the person holds no role on is a 400 naming `board`, as any other
    filter value the person cannot choose; without it, the rows of every board of theirs."""

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        wanted = [slug for slug in request.query_params.getlist("board") if slug]
        if not wanted:
            return queryset
        seats = {seat.slug: seat for seat in roles.scope_of(request.user).boards}
        unknown = [slug for slug in wanted if slug not in seats]
        if unknown:
            raise exceptions.ValidationError({"board": [f"You are on no board “{unknown[0]}”"]})
        return view.on_boards(request.user, queryset, [seats[slug].pk for slug in wanted])

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": "board",
                "in": "query",
                "required": False,
                "description": "A board's slug (repeatable): only that board's rows, as its pages show them.",
                "schema": {"type": "array", "items": {"type": "string"}},
                "style": "form",
                "explode": True,
            }
        ]


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and one record, both read through `scoped(user)`. The list asks `permission` (anyone signed
    in; an outsider sees an empty list, as on the pages), one record `object_permission`, as the detail pages."""

    permission = "board.browse"
    object_permission = "board.view"
    lookup_value_converter = "int"
    filter_backends = [BoardFilter]

    def scoped(self, user) -> QuerySet:
        raise NotImplementedError

    def on_boards(self, user, queryset: QuerySet, board_ids: list[int]) -> QuerySet:
        return queryset.on_boards(board_ids)

    def get_queryset(self) -> QuerySet:
        return self.scoped(self.request.user)


class ReviewViewSet(ScopedViewSet):
    """Reviews the person may see, filtered as the review register is (`kind`, `status`, `q`)."""

    serializer_class = serializers.ReviewSerializer
    filter_backends = [BoardFilter, DjangoFilterBackend]
    filterset_class = ReviewFilterSet
    lookup_field = "slug"
    lookup_value_converter = "slug"

    def scoped(self, user) -> QuerySet:
        # The rapid review it was converted from and the reviews it was converted to, each only if the person may
        # see it (as the review's page links them): a review out of scope is no slug here either.
        linked = scope.reviews_for(user).only("pk", "slug", "converted_from")
        return (
            scope.reviews_for(user)
            .select_related("board")
            .prefetch_related(
                Prefetch("converted_from", queryset=linked),
                Prefetch("converted_to", queryset=linked.order_by("slug")),
            )
            .order_by("-commissioned_on", "title", "pk")
        )


class RecommendationViewSet(ScopedViewSet):
    """Recommendations the person may see: addressed to their agencies, or holding one of their actions."""

    serializer_class = serializers.RecommendationSerializer

    def scoped(self, user) -> QuerySet:
        return (
            scope.recommendations_for(user)
            .select_related("review", "agency")
            .prefetch_related("themes")
            .order_by("review__commissioned_on", "review_id", "sort_key", "pk")
        )


class ActionViewSet(ScopedViewSet):
    """Actions, filtered exactly as /actions/ is: same FilterSet, same parameters, same order."""

    serializer_class = serializers.ActionSerializer
    filter_backends = [BoardFilter, DjangoFilterBackend]
    filterset_class = ActionFilterSet

    def scoped(self, user) -> QuerySet:
        return list_actions(user)


class AssuranceJudgementViewSet(ScopedViewSet):
    """The board's assurance judgements on the actions the person may see, newest first."""

    serializer_class = serializers.AssuranceJudgementSerializer

    def scoped(self, user) -> QuerySet:
        return AssuranceJudgement.objects.for_user(user).select_related("action__review", "recorded_by")


class AgencyViewSet(ScopedViewSet):
    """Agencies: every one for the board, an agency lead's own for a lead (the action list's agency filter)."""

    serializer_class = serializers.AgencySerializer

    def scoped(self, user) -> QuerySet:
        return Agency.objects.for_user(user).order_by("name", "pk")

    def on_boards(self, user, queryset: QuerySet, board_ids: list[int]) -> QuerySet:
        """Agencies are every board's (DESIGN.md §9): a board read whole shows them all, a lead's only those
        they lead on these boards."""
        if roles.scope_of(user).whole_boards.intersection(board_ids):
            return queryset
        return queryset.filter(pk__in=roles.lead_agency_ids(user, frozenset(board_ids)))


class MilestoneViewSet(ScopedViewSet):
    """The milestones of the reviews the person may see, as each review's page lists them (review by review, in
    the rules' order): due, done, state (`on_time`, `due_soon`, `overdue`, `done`, `done_late`, `no_date`).
    Filtered as the milestone list /milestones/ is, by its FilterSet (`review`, `kind`, `state`, `due_after`,
    `due_before`, `done_after`, `done_before`)."""

    serializer_class = serializers.MilestoneSerializer
    filter_backends = [BoardFilter, DjangoFilterBackend]
    filterset_class = MilestoneFilterSet

    def scoped(self, user) -> QuerySet:
        return (
            Milestone.objects.filter(review__in=scope.reviews_for(user).values("pk"))
            .select_related("review", "rule__from_milestone", "recorded_by")
            .order_by("review__commissioned_on", "review_id", "order", "pk")
        )


class LearningActivityViewSet(ScopedViewSet):
    """Learning activities, filtered as the learning list is (`kind`, `held_after`, `held_before`, `q`), newest
    first; each with its attendance by agency (a lead: their agencies' rows, as the activity's page), the reviews
    it carried (those the person may see) and its themes."""

    serializer_class = serializers.LearningActivitySerializer
    filter_backends = [BoardFilter, DjangoFilterBackend]
    filterset_class = LearningActivityFilterSet

    def scoped(self, user) -> QuerySet:
        attendances = LearningAttendance.objects.for_user(user).select_related("agency").order_by("agency__name")
        return (
            LearningActivity.objects.for_user(user)
            .with_attendance()
            .select_related("board")
            .prefetch_related(
                Prefetch("attendances", queryset=attendances),
                Prefetch("reviews", queryset=Review.objects.for_user(user).order_by("pk")),
                "themes",
            )
            .order_by("-held_on", "-pk")
        )


class ApiRootView(routers.APIRootView):
    """The reporting API: read-only, showing exactly what you see on the pages. Links to each endpoint."""

    permission = "board.browse"


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of the reporting API."""

    permission_classes = [NamedPermission]
    permission = "board.browse"


class SchemaDocsView(SpectacularSwaggerSplitView):
    """The schema drawn by Swagger UI (its files served by us: the CSP allows no CDN, and no inline script)."""

    permission_classes = [NamedPermission]
    permission = "board.browse"


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema says how to sign in: `Authorization: Bearer <token>`, a personal API token."""

    target_class = "lscb.platform.api_tokens.rest.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token (Your API tokens page)."}
