"""Load the review register's file back, /reviews/import/: upload, preview, confirm (lscb/board/register.py).

The business manager of the board in view only; the file changes that board's reviews, and adds reviews to it,
and nothing else.
The upload waits for confirmation as a plan import's does (lscb/board/plan_import/uploads.py).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from lscb.board import register
from lscb.board.plan_import import PlanFileError, uploads
from lscb.board.plan_import.forms import PlanConfirmForm, PlanUploadForm
from lscb.board.plan_import.validation import DATE_FORMS
from lscb.platform.permissions import PermissionRequiredMixin
from reviews.boards import current_board


class RegisterImportView(PermissionRequiredMixin, View):
    permission = "reviews.manage_plan"
    template_name = "board/register_import.html"

    def get_permission_object(self):
        self.board = current_board(self.request)
        return self.board

    @property
    def upload_key(self) -> str:
        return f"register-{self.board.pk}"

    def get(self, request):
        return self.page(PlanUploadForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm()
        form = PlanUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        upload = form.cleaned_data["plan_file"]
        content, file_name = upload.read(), upload.name[:255]
        try:
            changes = register.compare(self.board.pk, request.user, content, file_name)
        except PlanFileError as error:
            return self.page(form, file_name=file_name, problems=error.problems)
        token = ""
        if changes.has_changes:
            token = uploads.keep(request.session, request.user.pk, self.upload_key, content, file_name, changes.sha256)
            token = token.token
        return self.page(PlanUploadForm(), changes=changes, token=token)

    def confirm(self):
        form = PlanConfirmForm(self.request.POST)
        session = self.request.session
        loaded = form.is_valid() and uploads.load(session, self.upload_key, form.cleaned_data["token"])
        if not loaded:
            return self.page(PlanUploadForm(), expired=True)
        pending, content = loaded
        try:
            changes = register.load_register(
                self.board.pk,
                self.request.user,
                content,
                pending.file_name,
                expected_fingerprint=form.cleaned_data["fingerprint"],
            )
        except register.RegisterChanged as changed:
            return self.page(PlanUploadForm(), changes=changed.changes, token=pending.token, changed_since=True)
        except PlanFileError as error:
            uploads.discard(session, pending.token)
            return self.page(PlanUploadForm(), file_name=pending.file_name, problems=error.problems)
        uploads.discard(session, pending.token)
        added, updated = len(changes.created), len(changes.updated)
        messages.success(
            self.request,
            f"Loaded {pending.file_name}: {added} review{'s' if added != 1 else ''} added, {updated} updated.",
        )
        return redirect("board:reviews")

    def page(self, form, *, file_name="", problems=(), changes=None, token="", expired=False, changed_since=False):
        confirm = None
        if changes is not None and changes.has_changes:
            confirm = PlanConfirmForm(initial={"token": token, "fingerprint": changes.fingerprint()})
        context = {
            "board": self.board,
            "form": form,
            "file_name": file_name,
            "problems": register.by_heading(problems),
            "changes": changes,
            "confirm_form": confirm,
            "expired": expired,
            "changed_since": changed_since,
            "loaded_columns": register.LOADED,
            "new_only_columns": [column for column in register.CREATING if column.new_only],
            "reported_columns": [column for column in register.COLUMNS if not column.kind],
            "date_forms": DATE_FORMS,
        }
        return render(self.request, self.template_name, context)
