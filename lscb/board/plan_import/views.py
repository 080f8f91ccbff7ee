"""The plan import page, /reviews/<slug>/import/: upload, preview, confirm (DESIGN.md §6).

Business manager only. The review is fetched through its scoped queryset
first, so a review outside the user's scope answers 404 before the role check
answers 403.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from actions import scope
from lscb.board.plan_import import PlanFileError, uploads
from lscb.board.plan_import.changes import PlanChanges
from lscb.board.plan_import.forms import PlanConfirmForm, PlanUploadForm
from lscb.board.plan_import.reading import MAX_CELL_CHARS
from lscb.board.plan_import.service import ImportResult, PlanChanged, import_plan, preview
from lscb.board.plan_import.validation import COLUMNS, DATE_FORMS, REQUIRED_COLUMNS
from lscb.platform.permissions import PermissionRequiredMixin
from reviews.models import PlanImport, Review

EARLIER_IMPORTS_SHOWN = 20


class PlanImportView(PermissionRequiredMixin, View):
    permission = "reviews.manage_plan"
    upload_template = "board/plan_import.html"
    preview_template = "board/plan_import_preview.html"

    def get_permission_object(self) -> Review:
        self.review = get_object_or_404(scope.reviews_for(self.request.user), slug=self.kwargs["slug"])
        return self.review

    def get(self, request, slug: str):
        return self.upload_page(PlanUploadForm())

    def post(self, request, slug: str):
        if "token" in request.POST:
            return self.confirm()
        return self.upload()

    def upload(self):
        form = PlanUploadForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            return self.upload_page(form)
        upload = form.cleaned_data["plan_file"]
        content, file_name = upload.read(), upload.name[:255]
        try:
            changes = preview(self.review, content, file_name)
        except PlanFileError as error:
            return self.upload_page(form, file_name=file_name, problems=error.problems)
        if changes.has_changes:
            pending = uploads.keep(
                self.request.session, self.request.user.pk, self.review.pk, content, file_name, changes.sha256
            )
        else:  # nothing to confirm, so nothing to keep
            pending = uploads.PendingUpload("", file_name, self.review.pk, changes.sha256)
        return self.preview_page(changes, pending)

    def confirm(self):
        form = PlanConfirmForm(self.request.POST)
        loaded = form.is_valid() and uploads.load(self.request.session, self.review.pk, form.cleaned_data["token"])
        if not loaded:
            return self.upload_page(PlanUploadForm(), expired=True)
        pending, content = loaded
        try:
            result = import_plan(
                self.review,
                content,
                pending.file_name,
                self.request.user,
                expected_fingerprint=form.cleaned_data["fingerprint"],
            )
        except PlanChanged as changed:
            uploads.previewed(self.request.session, pending.token, changed.changes.sha256)
            return self.preview_page(changed.changes, pending, changed_since_preview=True)
        except PlanFileError as error:
            uploads.discard(self.request.session, pending.token)
            return self.upload_page(PlanUploadForm(), file_name=pending.file_name, problems=error.problems)
        uploads.discard(self.request.session, pending.token)
        messages.success(self.request, success_message(result, pending.file_name))
        return redirect("board:plan-import", self.review.slug)

    def upload_page(self, form, *, file_name: str = "", problems=(), expired: bool = False):
        earlier = PlanImport.objects.filter(review=self.review).select_related("imported_by")
        context = {
            "review": self.review,
            "form": form,
            "file_name": file_name,
            "problems": problems,
            "expired": expired,
            "earlier_imports": earlier[:EARLIER_IMPORTS_SHOWN],
            "columns": COLUMNS,
            "required_columns": REQUIRED_COLUMNS,
            "date_forms": DATE_FORMS,
            "max_cell_chars": MAX_CELL_CHARS,
        }
        return render(self.request, self.upload_template, context)

    def preview_page(self, changes: PlanChanges, pending: uploads.PendingUpload, changed_since_preview: bool = False):
        confirm = PlanConfirmForm(initial={"token": pending.token, "fingerprint": changes.fingerprint()})
        context = {
            "review": self.review,
            "changes": changes,
            "counts": changes.counts(),
            "file_name": pending.file_name,
            "confirm_form": confirm,
            "changed_since_preview": changed_since_preview,
            "file_changed": changes.sha256 != pending.sha256,
        }
        return render(self.request, self.preview_template, context)


def success_message(result: ImportResult, file_name: str) -> str:
    if not result.written:
        return f"Nothing to change: the review already matches {file_name}."
    counts = result.changes.counts()
    recs, actions = counts["recommendations"], counts["actions"]
    return (
        f"Imported {file_name}: {recs['created']} recommendations created and {recs['updated']} updated; "
        f"{actions['created']} actions created and {actions['updated']} updated."
    )
