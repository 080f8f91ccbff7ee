from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Action, ProgressUpdate
from lscb.platform.limits import BoundedTextAdminMixin


@admin.register(Action)
class ActionAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "agency", "status", "due_date", "assurance_level"]
    list_filter = ["status", "assurance_level", "agency", "recommendation__review"]
    search_fields = ["description", "progress", "recommendation__number", "recommendation__text"]
    list_select_related = ["recommendation", "agency"]
    raw_id_fields = ["recommendation"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(BoundedTextAdminMixin, SimpleHistoryAdmin):
    list_display = ["action", "written_on", "author"]
    list_select_related = ["action__recommendation", "author"]
    raw_id_fields = ["action"]
