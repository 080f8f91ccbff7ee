from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from lscb.platform.limits import BoundedTextAdminMixin
from reviews.models import Agency, PlanImport, Recommendation, Review, Theme


@admin.register(Agency)
class AgencyAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "short_name", "sector", "active"]
    list_filter = ["sector", "active"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["leads"]


@admin.register(Theme)
class ThemeAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    search_fields = ["name"]


@admin.register(Review)
class ReviewAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "reference", "subject", "status", "published_on"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "reference", "subject", "slug"]
    prepopulated_fields = {"slug": ["reference"]}


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
