"""Forms for actions: details, status changes and progress updates."""

from django import forms
from django.utils import timezone

from actions.choices import REASON_REQUIRED, STATUS_HINTS, ActionStatus
from actions.models import Action, ImpactEvaluation, ProgressUpdate
from lscb.platform.forms import DateField
from lscb.platform.limits import BoundedTextMixin, Limit
from lscb.platform.locking import SeenMarkerMixin
from reviews.forms import DATE_HINT, IMPACT_FIELDS, from_the_list, sized
from reviews.models import Agency


class ActionForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        required=False,
        empty_label="The recommendation's agency",
        help_text="Leave as it is to use the agency the recommendation is addressed to.",
        error_messages=from_the_list("Choose an agency from the list"),
    )

    class Meta:
        model = Action
        fields = ["description", "agency", "lead_officer", "due_date", *IMPACT_FIELDS]
        field_classes = {"due_date": DateField, "evaluate_by": DateField}
        widgets = {
            "lead_officer": sized("govuk-!-width-two-thirds"),
            "intended_outcome": forms.Textarea(attrs={"rows": 3}),
            "impact_measure": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "due_date": DATE_HINT,
            "evaluate_by": DATE_HINT,
            "lead_officer": "The named person in the agency who leads this action.",
        }
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
    # One reason for each status that needs one, each revealed under its own radio (GOV.UK conditional reveal;
    # without script both show, each labelled). The action keeps one reason: clean() picks the status's own.
    status_reason = forms.CharField(
        label="Why is the action on hold?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    not_accepted_reason = forms.CharField(
        label="Why was the action not accepted?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label="Note for the history (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the action's history as the reason for this change. Up to 100 characters.",
    )
    # The note becomes the history row's change reason, a 100-character column (django-simple-history).
    text_limits = {
        "status_reason": Action.TEXT_LIMITS["status_reason"],
        "not_accepted_reason": Action.TEXT_LIMITS["status_reason"],
        "note": Limit(100, "The note"),
    }
    REASON_FIELDS = {ActionStatus.ON_HOLD: "status_reason", ActionStatus.NOT_ACCEPTED: "not_accepted_reason"}

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def status_options(self) -> list[tuple]:
        """Each radio of the status with its hint and, for a status that needs a reason, the reason's field."""
        reasons = {status: self[name] for status, name in self.REASON_FIELDS.items()}
        return [
            (option, STATUS_HINTS[option.data["value"]], reasons.get(option.data["value"])) for option in self["status"]
        ]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        # The reason typed under the status chosen; a client posting status_reason alone (as before) still works.
        reason_field = self.REASON_FIELDS.get(status, "status_reason")
        reason = cleaned.get(reason_field) or cleaned.get("status_reason", "")
        cleaned["status_reason"] = reason
        if status and (problem := self.action.status_problem(status, reason)):
            self.add_error(reason_field if status in REASON_REQUIRED else "status", problem)
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


MAX_EVIDENCE_LINKS = 20
MAX_LINK_CHARS = 500


class ImpactEvaluationForm(BoundedTextMixin, forms.ModelForm):
    """The board's evaluation of a recommendation's impact, or of one of its actions' (`actions`: those in scope)."""

    class Meta:
        model = ImpactEvaluation
        fields = ["action", "evaluated_on", "judgement", "findings", "evidence_links"]
        field_classes = {"evaluated_on": DateField}
        widgets = {
            "judgement": forms.RadioSelect,
            "findings": forms.Textarea(attrs={"rows": 6}),
            "evidence_links": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"action": "What is evaluated"}
        help_texts = {"evaluated_on": DATE_HINT}
        error_messages = {
            "findings": {"required": "Enter what the evaluation found"},
            "judgement": {
                "required": "Select the judgement on impact",
                "invalid_choice": "Select the judgement on impact",
            },
            "evaluated_on": {"required": "Enter the date of the evaluation"},
        }

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        field.queryset = actions
        field.empty_label = "The whole recommendation"
        field.label_from_instance = lambda action: f"Action: {action.description[:120]}"
        field.error_messages["invalid_choice"] = "Select the whole recommendation or one of its actions"
        self.fields["judgement"].choices = ImpactEvaluation.Judgement.choices

    def clean_evaluated_on(self):
        evaluated_on = self.cleaned_data["evaluated_on"]
        if evaluated_on > timezone.localdate():
            raise forms.ValidationError("The date of the evaluation must be today or in the past")
        return evaluated_on

    def clean_evidence_links(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["evidence_links"].splitlines() if line.strip()]
        if len(lines) > MAX_EVIDENCE_LINKS:
            raise forms.ValidationError(f"Enter {MAX_EVIDENCE_LINKS} links to evidence or fewer, one a line")
        for line in lines:  # only http(s) addresses are shown as links; anything else is a reference, as text
            if len(line) > MAX_LINK_CHARS:
                raise forms.ValidationError(f"Each link to evidence must be {MAX_LINK_CHARS} characters or fewer")
        return "\n".join(lines)
