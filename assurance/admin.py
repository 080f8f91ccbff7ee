from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assurance.models import (
    AssuranceJudgement,
    AssuranceRequest,
    Challenge,
    ChallengeEvent,
    Chase,
    Evidence,
    EvidenceDownload,
    EvidenceFile,
    ReminderDigest,
)
from lscb.platform.limits import BoundedTextAdminMixin


class EvidenceFileInline(admin.TabularInline):
    model = EvidenceFile
    extra = 0
    can_delete = False
    readonly_fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]
    exclude = ["file"]


@admin.register(Evidence)
class EvidenceAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "action", "review_state", "uploaded_by", "uploaded_at", "withdrawn"]
    list_filter = ["review_state", "withdrawn"]
    list_select_related = ["action__recommendation", "uploaded_by"]
    raw_id_fields = ["action"]
    inlines = [EvidenceFileInline]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(SimpleHistoryAdmin):
    list_display = ["original_name", "evidence", "size", "sha256", "withdrawn"]
    readonly_fields = ["file", "original_name", "content_type", "size", "sha256", "uploaded_at"]
    raw_id_fields = ["evidence"]

    def has_delete_permission(self, request, obj=None):
        return False  # Files are withdrawn, never deleted.


@admin.register(EvidenceDownload)
class EvidenceDownloadAdmin(admin.ModelAdmin):
    list_display = ["file", "user", "downloaded_at", "ip_address"]
    list_select_related = ["file", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssuranceJudgement)
class AssuranceJudgementAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["action", "level", "judged_on", "recorded_by"]
    list_filter = ["level"]
    raw_id_fields = ["action"]


class ChaseInline(BoundedTextAdminMixin, admin.TabularInline):
    model = Chase
    extra = 0


@admin.register(AssuranceRequest)
class AssuranceRequestAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["subject", "agency", "sent_on", "due_on", "response_received_on"]
    list_filter = ["agency"]
    raw_id_fields = ["actions"]
    inlines = [ChaseInline]


@admin.register(Chase)
class ChaseAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["request", "chased_on", "method", "chased_by"]


class ChallengeInline(BoundedTextAdminMixin, admin.StackedInline):
    model = Challenge
    extra = 0
    raw_id_fields = ["action"]


@admin.register(ChallengeEvent)
class ChallengeEventAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "held_on", "chair"]
    filter_horizontal = ["agencies_invited", "agencies_attending"]
    inlines = [ChallengeInline]


@admin.register(Challenge)
class ChallengeAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["action", "event"]
    raw_id_fields = ["action"]


@admin.register(ReminderDigest)
class ReminderDigestAdmin(SimpleHistoryAdmin):
    list_display = ["user", "sent_on", "email", "sent_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "sent_on", "email", "counts", "body", "sent_at"]
