"""The annual report pack's pages (DESIGN.md §11): choose a board, a year and a format, watch it being written,
download it.

The pack is written by the worker (assurance.annual_report_files.write_annual_report), never in the request.
`/reports/annual/?year=2026&format=docx` asks for one at once, like the action list's `?export=pdf`, of the board in
view (`&board=<slug>` names another). A pack is of one board, for its manager, chair and scrutineer only: anyone
else, a lead of that board or someone of another board, is told it does not exist (404).
"""

from django import forms
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from assurance import annual_report_files
from assurance.models import AnnualReport
from lscb.platform.permissions import permission_required
from reviews import roles
from reviews.boards import current_board

REFRESH_SECONDS = 3
FIRST_YEAR = 2000


class AnnualReportForm(forms.Form):
    board = forms.ChoiceField(
        label="Board", widget=forms.RadioSelect, required=False, error_messages={"invalid_choice": "Choose a board"}
    )
    year = forms.IntegerField(
        label="Reporting year",
        help_text="The year it starts in: 2026 is April 2026 to March 2027 for a financial year.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={"required": "Enter the reporting year", "invalid": "Enter the reporting year as 4 digits"},
    )
    kind = forms.ChoiceField(
        label="Kind of year", choices=AnnualReport.Kind.choices, initial=AnnualReport.Kind.FINANCIAL,
        widget=forms.RadioSelect, required=False,
    )  # fmt: skip
    format = forms.ChoiceField(
        label="Format",
        choices=AnnualReport.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a format", "invalid_choice": "Choose docx or pdf as the format"},
    )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        last = timezone.localdate().year
        if not FIRST_YEAR <= year <= last:
            raise forms.ValidationError(f"The reporting year must be between {FIRST_YEAR} and {last}")
        return year

    def __init__(self, *args, boards: list[roles.BoardSeat], **kwargs):
        super().__init__(*args, **kwargs)
        self.boards = {seat.slug: seat for seat in boards}
        self.fields["board"].choices = [(seat.slug, seat.name) for seat in boards]

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or AnnualReport.Kind.FINANCIAL

    def clean_board(self) -> roles.BoardSeat:
        return self.boards[self.cleaned_data["board"] or self.initial["board"]]


def pack_boards(request) -> tuple[list[roles.BoardSeat], roles.BoardSeat]:
    """The boards whose pack this person may ask for (manager, chair or scrutineer there), and the one offered
    first: the board in view if it is among them. A board named in the address that is not among them: 404."""
    scope = roles.scope_of(request.user)
    boards = [seat for seat in scope.boards if seat.pk in scope.whole_boards]
    in_view = current_board(request)  # 404 for a board the person is not on at all
    if request.GET.get("board") and in_view not in boards:
        raise Http404("No pack of this board for you.")
    return boards, in_view if in_view in boards else boards[0]


@require_GET
@permission_required("board.annual_report")
def annual_report(request):
    """The form; with a valid year and format in the address, queue the pack and go to its progress page."""
    boards, board = pack_boards(request)
    asked = "year" in request.GET or "format" in request.GET
    initial = {"year": timezone.localdate().year - 1, "board": board.slug}
    form = AnnualReportForm(request.GET if asked else None, initial=initial, boards=boards)
    if asked and form.is_valid():
        data = form.cleaned_data
        report = annual_report_files.request_report(
            request.user, data["board"].pk, data["year"], data["kind"], data["format"]
        )
        return HttpResponseRedirect(reverse("assurance:annual-report-progress", args=[report.pk]), status=303)
    recent = own_reports(request).select_related("board")[:10]
    context = {"form": form, "recent": recent, "boards": boards, "board": board}
    return render(request, "assurance/annual_report.html", context, status=400 if asked else 200)


def own_reports(request, with_content: bool = False):
    """The packs this user asked for, of the boards where they are still manager, chair or scrutineer."""
    reports = AnnualReport.objects.filter(requester=request.user, board__in=roles.scope_of(request.user).whole_boards)
    return reports if with_content else reports.defer("content")


def own_report(request, pk: int, with_content: bool = False) -> AnnualReport:
    """The pack, if this user asked for it and still sees its whole board: 404 for anyone else, so packs cannot
    be probed."""
    return get_object_or_404(own_reports(request, with_content).select_related("board"), pk=pk)


def own_report_with_content(request, pk: int) -> AnnualReport:
    return own_report(request, pk, with_content=True)


@require_GET
@permission_required("board.annual_report", own_report)
def annual_report_progress(request, report: AnnualReport, pk: int):
    status = 202 if report.status == AnnualReport.Status.QUEUED else 200
    response = render(
        request,
        "assurance/annual_report_progress.html",
        {"report": report, "refresh_seconds": REFRESH_SECONDS},
        status=status,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@permission_required("board.annual_report", own_report_with_content)
def annual_report_download(request, report: AnnualReport, pk: int):
    if report.status != AnnualReport.Status.READY:
        return HttpResponseRedirect(reverse("assurance:annual-report-progress", args=[report.pk]))
    response = HttpResponse(bytes(report.content), content_type=annual_report_files.CONTENT_TYPES[report.format])
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
