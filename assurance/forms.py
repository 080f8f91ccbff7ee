"""Forms for evidence, judgements, requests, chasers and challenge events (GOV.UK patterns)."""

import datetime

from django import forms
from django.utils import timezone

from actions.choices import AssuranceLevel
from actions.models import Action
from assurance import uploads
from assurance.models import (
    AssuranceJudgement,
    AssuranceRequest,
    Challenge,
    ChallengeEvent,
    Chase,
    Evidence,
    Meeting,
    Subgroup,
)
from lscb.platform import values
from lscb.platform.forms import DateField
from lscb.platform.limits import BoundedTextMixin
from lscb.platform.locking import SeenMarkerMixin
from lscb.platform.values import long_date
from reviews.forms import ModelMultipleChoiceField, from_the_list
from reviews.models import Agency


def _not_future(value: datetime.date | None, what: str) -> datetime.date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{what} must be today or in the past")
    return value


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files from one input (Django docs, "Uploading multiple files").

    Django's per-file checks are replaced by the board's upload rules, which
    the form runs in clean_files so every refusal names its file.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": uploads.accepted_extensions()}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class EvidenceForm(BoundedTextMixin, forms.ModelForm):
    files = MultipleFileField(
        required=False,
        label="Files (optional)",
        help_text="You can choose several files.",
    )

    class Meta:
        model = Evidence
        fields = ["title", "narrative", "produced_on"]
        labels = {"narrative": "What this shows", "produced_on": "Date the evidence was produced"}
        help_texts = {
            "title": "For example, “Audit of supervision records, March 2026”.",
            "narrative": "Say what the evidence shows about the action and its impact on practice.",
            "produced_on": "The date on the document, not today's date unless it was written today.",
        }
        widgets = {"narrative": forms.Textarea(attrs={"rows": 5})}
        field_classes = {"produced_on": DateField}
        error_messages = {
            "title": {"required": "Enter a title for the evidence"},
            "produced_on": {"required": "Enter the date the evidence was produced"},
        }

    def refuse_files(self, message: str) -> None:
        """Show an upload stopped part-way as the files' error, on the unbound form that keeps what was typed."""
        self.cleaned_data = {}
        self.add_error("files", message)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["produced_on"].required = True
        self.fields["files"].help_text = (
            f"You can choose several files. Accepted: {uploads.allowed_summary()}, "
            f"each up to {uploads._limit('MAX_FILE_BYTES')}."
        )

    def clean_produced_on(self):
        return _not_future(self.cleaned_data.get("produced_on"), "The date the evidence was produced")

    def clean_files(self) -> list[uploads.CheckedUpload]:
        checked, errors = [], []
        for upload in self.cleaned_data.get("files") or []:
            try:
                checked.append(uploads.inspect_upload(upload))
            except uploads.UploadRefused as refusal:
                errors.append(str(refusal))
        if errors:
            raise forms.ValidationError(errors)
        return checked


class EvidenceReviewForm(BoundedTextMixin, SeenMarkerMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            (Evidence.ReviewState.ACCEPTED, "Accept the evidence"),
            (Evidence.ReviewState.MORE_REQUESTED, "Return it and ask for more"),
        ],
        error_messages={
            "required": "Select whether you accept the evidence or ask for more",
            "invalid_choice": "Select whether you accept the evidence or ask for more",
        },
    )
    note = forms.CharField(
        label="Note to the agency",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you ask for more: say what the board still needs to see.",
    )
    text_limits = {"note": Evidence.TEXT_LIMITS["review_note"]}

    def clean(self):
        data = super().clean()
        if data.get("decision") == Evidence.ReviewState.MORE_REQUESTED and not (data.get("note") or "").strip():
            self.add_error("note", "Say what more the board needs to see")
        return data


class JudgementForm(BoundedTextMixin, forms.Form):
    level = forms.ChoiceField(
        label="Assurance level",
        choices=AssuranceLevel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the board's level of assurance",
            "invalid_choice": "Select the board's level of assurance",
        },
    )
    statement = forms.CharField(
        label="Assurance to the board",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, “The board has been assured that supervision audits now take place monthly.”",
        error_messages={"required": "Enter the board's assurance statement"},
    )
    text_limits = {"statement": AssuranceJudgement.TEXT_LIMITS["statement"]}
    judged_on = DateField(
        label="Date of the judgement",
        initial=timezone.localdate,
        error_messages={"required": "Enter the date of the judgement"},
    )

    def clean_judged_on(self):
        return _not_future(self.cleaned_data.get("judged_on"), "The date of the judgement")


class RequestAgencyForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        label="Agency",
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency to ask", "invalid_choice": "Choose an agency from the list"},
    )


class AssuranceRequestForm(BoundedTextMixin, forms.ModelForm):
    actions = ModelMultipleChoiceField(
        queryset=Action.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Actions the agency should give assurance on",
        error_messages={"required": "Choose at least one action", **from_the_list("Choose actions of this agency")},
    )

    class Meta:
        model = AssuranceRequest
        fields = ["actions", "subject", "message", "due_on"]  # the page's order: the error summary follows it
        labels = {"due_on": "Reply due by", "message": "Message to the agency's leads"}
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
        field_classes = {"due_on": DateField}
        error_messages = {
            "subject": {"required": "Enter a subject for the request"},
            "due_on": {"required": "Enter the date the reply is due by"},
        }

    def __init__(self, *args, agency: Agency, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["actions"].queryset = (
            Action.objects.on_boards([board.pk])
            .filter(agency=agency)
            .select_related("recommendation__review")
            .order_by(*Action._meta.ordering)
        )
        self.fields["actions"].label_from_instance = action_label

    def clean_subject(self):
        """The subject becomes the email's Subject header, where a line break would start a new header."""
        subject = self.cleaned_data.get("subject") or ""
        if len(subject.splitlines()) > 1 or "\r" in subject or "\n" in subject:
            raise forms.ValidationError("The subject must be one line: remove the line break")
        return subject

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        if due_on and due_on <= timezone.localdate():
            raise forms.ValidationError("The reply due date must be in the future")
        return due_on


def action_label(action: Action) -> str:
    review = action.recommendation.review
    # Cut between words, and dated, so two actions that begin alike can be told apart.
    due = f" (due {values.short_date(action.due_date)})" if action.due_date else ""
    return f"{review.subject}, {action.recommendation.number}: {values.shortened(action.description, 160)}{due}"


class ChaseForm(BoundedTextMixin, forms.ModelForm):
    # Shown under the "Email" method only (GOV.UK conditional reveal): only an email chaser emails, by default.
    email_leads = forms.BooleanField(label="Email this reminder to the agency's leads", required=False, initial=True)

    class Meta:
        model = Chase
        fields = ["chased_on", "method", "note"]
        labels = {"chased_on": "Date chased", "method": "How the agency was chased"}
        error_messages = {
            "chased_on": {"required": "Enter the date the agency was chased"},
            "method": {
                "required": "Select how the agency was chased",
                "invalid_choice": "Select how the agency was chased",
            },
        }
        field_classes = {"chased_on": DateField}
        widgets = {"method": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}

    def clean_chased_on(self):
        return _not_future(self.cleaned_data.get("chased_on"), "The date chased")

    def clean(self):
        cleaned = super().clean()
        # A telephone call, letter or meeting is recorded, not emailed, even with the (hidden) box left ticked.
        cleaned["email_leads"] = bool(cleaned.get("email_leads")) and cleaned.get("method") == Chase.Method.EMAIL
        return cleaned


class ReplyForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    """A reply the agency sent outside the product (an email, a letter, a report to the subgroup): the request is
    answered without evidence uploaded, and the board can then judge each action on what it said."""

    class Meta:
        model = AssuranceRequest
        fields = ["response_received_on", "response_note"]
        labels = {"response_received_on": "Date the reply was received", "response_note": "What the agency said"}
        help_texts = {
            "response_note": "Summarise the reply and say where it is kept (for example, the email's subject and date)."
        }
        error_messages = {
            "response_received_on": {"required": "Enter the date the reply was received"},
            "response_note": {"required": "Enter what the agency said"},
        }
        field_classes = {"response_received_on": DateField}
        widgets = {"response_note": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response_received_on"].required = True
        self.fields["response_note"].required = True

    def clean_response_received_on(self):
        received = _not_future(self.cleaned_data.get("response_received_on"), "The date the reply was received")
        if received and received < self.instance.sent_on:
            raise forms.ValidationError(
                f"The date the reply was received must be on or after the date the request was sent, "
                f"{long_date(self.instance.sent_on)}"
            )
        return received


class ChallengeEventForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    class Meta:
        model = ChallengeEvent
        fields = ["title", "held_on", "chair", "agencies_invited", "agencies_attending", "notes"]
        field_classes = {
            "held_on": DateField,
            "agencies_invited": ModelMultipleChoiceField,
            "agencies_attending": ModelMultipleChoiceField,
        }
        labels = {"held_on": "Date of the event"}
        error_messages = {
            "title": {"required": "Enter the event's title"},
            "held_on": {"required": "Enter the date of the event"},
            "chair": {"required": "Enter who chaired the event"},
            "agencies_invited": from_the_list("Choose agencies invited from the list"),
            "agencies_attending": from_the_list("Choose agencies attending from the list"),
        }
        widgets = {
            "agencies_invited": forms.CheckboxSelectMultiple,
            "agencies_attending": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        invited, attending = set(data.get("agencies_invited") or []), set(data.get("agencies_attending") or [])
        if attending - invited:
            names = ", ".join(sorted(a.name for a in attending - invited))
            self.add_error("agencies_attending", f"Agencies attending must also be invited: {names}")
        return data


class ChallengeForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ["action", "challenge", "response", "outcome"]
        labels = {"challenge": "Challenge raised", "response": "The agency's response"}
        error_messages = {
            "action": {
                "required": "Choose the action challenged",
                "invalid_choice": "Choose an action from the list",
            },
            "challenge": {"required": "Enter the challenge raised"},
        }
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ["challenge", "response", "outcome"]}

    def __init__(self, *args, event: ChallengeEvent, **kwargs):
        super().__init__(*args, **kwargs)
        actions = Action.objects.on_boards([event.board_id]).select_related("recommendation__review", "agency")
        invited = list(event.agencies_invited.all())
        if invited:
            actions = actions.filter(agency__in=invited)
        self.fields["action"].queryset = actions
        self.fields["action"].label_from_instance = lambda a: f"{action_label(a)} ({a.agency or 'board-wide'})"
        self.fields["action"].empty_label = "Choose an action"


# A meeting's date is typed: one from before 2000 or more than two years ahead is a typing slip.
FIRST_MEETING_YEAR = 2000
MEETING_YEARS_AHEAD = 2


def meeting_date_range() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return datetime.date(FIRST_MEETING_YEAR, 1, 1), datetime.date(today.year + MEETING_YEARS_AHEAD, 12, 31)


class SubgroupForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    class Meta:
        model = Subgroup
        fields = ["name"]
        error_messages = {"name": {"required": "Enter the subgroup's name"}}

    def __init__(self, *args, board_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.board_id = board_id

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Subgroup.objects.filter(board_id=self.board_id, name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"This board already has a subgroup called “{name}”")
        return name


class MeetingForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "note"]
        field_classes = {"held_on": DateField}
        labels = {"note": "Note (optional)"}
        help_texts = {"held_on": "For example, 14 1 2027"}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"held_on": {"required": "Enter the date of the meeting"}}

    def __init__(self, *args, subgroup: Subgroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.subgroup = subgroup

    def clean_held_on(self) -> datetime.date:
        day = self.cleaned_data["held_on"]
        first, last = meeting_date_range()
        if not first <= day <= last:
            raise forms.ValidationError(
                f"The date of the meeting must be between {long_date(first)} and {long_date(last)}"
            )
        if self.subgroup.meetings.filter(held_on=day).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"{self.subgroup.name} already has a meeting on {long_date(day)}")
        return day
