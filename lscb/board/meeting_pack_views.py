"""The meeting pack's pages (issue 16): choose the reviews and the dates, watch it being written, download it.

The pack is written by the worker (lscb.board.meeting_pack_files), never in a request. Who may: whoever may
print the board's plan whole (its managers, chairs and scrutineers: `board.print_meeting_pack`); a meeting of
another board, or any meeting to an agency lead, answers 404.
"""

import datetime

from django import forms
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView

from actions.scope import reviews_for
from assurance.forms import FIRST_MEETING_YEAR
from assurance.meeting_views import subgroups_crumbs
from assurance.models import Meeting, MeetingPack
from lscb.board import meeting_pack, meeting_pack_files
from lscb.platform.forms import DateField
from lscb.platform.permissions import PermissionRequiredMixin, permission_required
from lscb.platform.values import long_date
from reviews.forms import ModelMultipleChoiceField
from reviews.models import Review

REFRESH_SECONDS = 2


class MeetingPackForm(forms.Form):
    reviews = ModelMultipleChoiceField(
        queryset=Review.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Every open review of the board is chosen to start with.",
        error_messages={
            "required": "Choose at least one review for the meeting pack",
            "invalid_choice": "Choose reviews from the list",
        },
    )
    since = DateField(
        label="Changes since",
        help_text="The pack lists what changed after this day: the subgroup's last meeting, unless you choose "
        "another date. For example, 3 12 2026",
        error_messages={"required": "Enter the date changes are counted from"},
    )

    def __init__(self, *args, meeting: Meeting, reviews, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["reviews"].queryset = reviews

    def clean_since(self) -> datetime.date:
        since = self.cleaned_data["since"]
        first = datetime.date(FIRST_MEETING_YEAR, 1, 1)
        if not first <= since < self.meeting.held_on:
            raise forms.ValidationError(
                f"The date changes are counted from must be between {long_date(first)} and the day before "
                f"the meeting ({long_date(self.meeting.held_on)})"
            )
        return since


def meeting_in_scope(request, pk: int) -> Meeting:
    meetings = Meeting.objects.for_user(request.user).select_related("subgroup__board")
    return get_object_or_404(meetings, pk=pk)


class MeetingPackView(PermissionRequiredMixin, FormView):
    """GET: the form, with the open reviews chosen and the last meeting's date; POST: queue the pack."""

    permission = "board.print_meeting_pack"
    template_name = "board/meeting_pack.html"
    form_class = MeetingPackForm

    def get_permission_object(self) -> Meeting:
        self.meeting = meeting_in_scope(self.request, self.kwargs["pk"])
        self.previous = self.meeting.previous()
        return self.meeting

    def board_reviews(self):
        board = self.meeting.subgroup.board_id
        return reviews_for(self.request.user).on_boards([board]).order_by("subject", "pk")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting, "reviews": self.board_reviews()}

    def get_initial(self):
        return {
            "reviews": list(self.board_reviews().exclude(status=Review.Status.CLOSED)),
            "since": self.previous.held_on if self.previous else None,
        }

    def get_context_data(self, **kwargs):
        subgroup = self.meeting.subgroup
        crumbs = subgroups_crumbs((subgroup.name, subgroup.get_absolute_url()), ("Meeting pack", ""))
        packs = MeetingPack.objects.filter(meeting=self.meeting).defer("pdf", "docx").select_related("requester")
        return super().get_context_data(
            meeting=self.meeting,
            previous=self.previous,
            until=meeting_pack.default_until(self.meeting),
            next_meeting=self.meeting.following(),
            has_reviews=self.board_reviews().exists(),
            packs=list(packs[:10]),
            breadcrumbs=crumbs,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        until = meeting_pack.default_until(self.meeting)
        pack = meeting_pack_files.request_pack(self.request.user, self.meeting, data["reviews"], data["since"], until)
        return HttpResponseRedirect(reverse("board:meeting-pack-progress", args=[pack.pk]), status=303)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def pack_in_scope(request, pk: int, with_files: bool = False) -> MeetingPack:
    packs = MeetingPack.objects.for_user(request.user).select_related("meeting__subgroup__board")
    return get_object_or_404(packs if with_files else packs.defer("pdf", "docx"), pk=pk)


class MeetingPackProgressView(PermissionRequiredMixin, TemplateView):
    """Being prepared (202, reloading itself), ready (the two downloads), or failed (say so)."""

    permission = "board.print_meeting_pack"
    template_name = "board/meeting_pack_progress.html"

    def get_permission_object(self) -> MeetingPack:
        self.pack = pack_in_scope(self.request, self.kwargs["pk"])
        return self.pack

    def get(self, request, *args, **kwargs):
        subgroup = self.pack.meeting.subgroup
        crumbs = subgroups_crumbs(
            (subgroup.name, subgroup.get_absolute_url()),
            ("Meeting pack", reverse("board:meeting-pack", args=[self.pack.meeting_id])),
            ("Being prepared" if self.pack.status == MeetingPack.Status.QUEUED else "Download", ""),
        )
        context = self.get_context_data(pack=self.pack, refresh_seconds=REFRESH_SECONDS, breadcrumbs=crumbs)
        response = self.render_to_response(context)
        response.status_code = 202 if self.pack.status == MeetingPack.Status.QUEUED else 200
        patch_cache_control(response, private=True, no_store=True)
        return response


def _pack_with_files(request, pk: int) -> MeetingPack:
    return pack_in_scope(request, pk, with_files=True)


def _download(pack: MeetingPack, kind: str):
    if pack.status != MeetingPack.Status.READY:
        return HttpResponseRedirect(reverse("board:meeting-pack-progress", args=[pack.pk]))
    content_type, disposition = meeting_pack_files.CONTENT_TYPES[kind]
    response = HttpResponse(bytes(getattr(pack, kind)), content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{pack.file_name(kind)}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@permission_required("board.print_meeting_pack", _pack_with_files)
def meeting_pack_pdf(request, pack: MeetingPack, pk: int):
    return _download(pack, "pdf")


@require_GET
@permission_required("board.print_meeting_pack", _pack_with_files)
def meeting_pack_docx(request, pack: MeetingPack, pk: int):
    return _download(pack, "docx")
