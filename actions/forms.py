"""Forms for actions: details, status changes and progress updates."""

from django import forms
from django.utils import timezone

from actions.choices import REASON_REQUIRED, ActionStatus
from actions.models import Action, ProgressUpdate
from lscb.platform.forms import DateField
from lscb.platform.limits import BoundedTextMixin, Limit
from lscb.platform.locking import SeenMarkerMixin
from reviews.forms import DATE_HINT, sized
from reviews.models import Agency


class ActionForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        required=False,
        empty_label="The recommendation's agency",
        help_text="Leave as it is to use the agency the recommendation is addressed to.",
    )

    class Meta:
        model = Action
        fields = ["description", "agency", "lead_officer", "due_date"]
        field_classes = {"due_date": DateField}
        widgets = {"lead_officer": sized("govuk-!-width-two-thirds")}
        help_texts = {"due_date": DATE_HINT, "lead_officer": "The named person in the agency who leads this action."}
        error_messages = {
            "description": {"required": "Enter the action the agency will take"},
        }


class StatusForm(BoundedTextMixin, SeenMarkerMixin, forms.Form):
    status = forms.ChoiceField(
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's status", "invalid_choice": "Select a status from the list"},
    )
    status.label_class = "govuk-fieldset__legend--m"  # read by templates/govuk/field.html
    status_reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Required for "On hold" and "Not accepted": say why.',
    )
    note = forms.CharField(
        label="Note for the history (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the action's history as the reason for this change. Up to 100 characters.",
    )
    # The note becomes the history row's change reason, a 100-character column (django-simple-history).
    text_limits = {"status_reason": Action.TEXT_LIMITS["status_reason"], "note": Limit(100, "The note")}

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status in REASON_REQUIRED and not cleaned.get("status_reason", "").strip():
            label = ActionStatus(status).label
            self.add_error("status_reason", f'Enter the reason the action is "{label}": a reason is required')
        return cleaned


class ProgressForm(BoundedTextMixin, forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["written_on", "text"]
        field_classes = {"written_on": DateField}
        labels = {"written_on": "Date of this update", "text": "What has been done"}
        help_texts = {"written_on": DATE_HINT}
        error_messages = {
            "text": {"required": "Enter what has been done on the action"},
            "written_on": {"required": "Enter the date of the update"},
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def clean_written_on(self):
        written_on = self.cleaned_data["written_on"]
        if written_on > timezone.localdate():
            raise forms.ValidationError("The date of the update must be today or in the past")
        return written_on
