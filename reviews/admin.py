from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from lscb.platform.limits import BoundedTextAdminMixin
from reviews.models import (
    Agency,
    Board,
    Membership,
    Milestone,
    MilestoneRule,
    PlanImport,
    Recommendation,
    Review,
    Theme,
    refresh_milestones,
)


@admin.register(Agency)
class AgencyAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "short_name", "sector", "active"]
    list_filter = ["sector", "active"]
    search_fields = ["name", "short_name"]


@admin.register(Board)
class BoardAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "slug", "protective_marking"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["agencies"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Who holds which role on which board; an agency lead's membership names the agencies they lead."""

    list_display = ["user", "board", "role", "led_agencies"]
    list_filter = ["board", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "board"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["agencies"]

    @admin.display(description="Agencies led")
    def led_agencies(self, membership) -> str:
        return ", ".join(agency.name for agency in membership.agencies.all()) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("agencies")


@admin.register(Theme)
class ThemeAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    search_fields = ["name"]


@admin.register(Review)
class ReviewAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "board", "kind", "reference", "subject", "status", "published_on"]
    list_filter = ["board", "kind", "status"]
    filter_horizontal = ["partner_boards"]
    search_fields = ["title", "reference", "subject", "slug"]
    prepopulated_fields = {"slug": ["reference"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Recommendation)
class RecommendationAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "review", "agency", "source"]
    list_filter = ["review", "agency", "source"]
    search_fields = ["number", "text"]
    list_select_related = ["review", "agency"]
    filter_horizontal = ["themes"]
    ordering = ["review", "sort_key"]


@admin.register(PlanImport)
class PlanImportAdmin(SimpleHistoryAdmin):
    list_display = ["file_name", "review", "imported_by", "imported_at", "row_count"]
    list_select_related = ["review", "imported_by"]
    readonly_fields = ["review", "imported_by", "imported_at", "file_name", "sha256", "row_count", "counts"]


@admin.register(MilestoneRule)
class MilestoneRuleAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    """The statutory clocks' defaults (DESIGN.md §10), which an administrator may change for the board."""

    list_display = ["name", "kind", "order", "describe", "source"]
    list_filter = ["kind"]
    list_select_related = ["from_milestone"]
    search_fields = ["name", "key", "source"]
    ordering = ["kind", "order"]

    @admin.display(description="due")
    def describe(self, rule: MilestoneRule) -> str:
        return rule.describe()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for review in Review.objects.filter(kind=obj.kind).exclude(status=Review.Status.CLOSED):
            refresh_milestones(review)  # every open review of the kind counts its due dates by the new rule


@admin.register(Milestone)
class MilestoneAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "review", "due_on", "extended_to", "done_on", "recorded_by"]
    list_filter = ["rule__kind"]
    list_select_related = ["review", "recorded_by"]
    search_fields = ["name", "review__reference", "review__title"]
    readonly_fields = ["review", "rule", "name", "order", "recorded_by"]
