"""Forms for the review register and recommendations."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from lscb.platform.forms import DateField
from lscb.platform.limits import BoundedTextMixin
from lscb.platform.locking import SeenMarkerMixin
from reviews import roles
from reviews.models import (
    Agency,
    Board,
    LearningActivity,
    LearningAttendance,
    Milestone,
    Recommendation,
    Review,
    Theme,
    refresh_milestones,
)

DATE_HINT = "For example, 31 3 2026"


def sized(width: str) -> forms.TextInput:
    """A text box of a GOV.UK width (e.g. "govuk-input--width-20"); the form renderer adds the rest."""
    return forms.TextInput(attrs={"class": width})


class IdsWithinDatabaseIntegersMixin:
    """For a ModelMultipleChoiceField: an id beyond the database's integers is an invalid choice, not a 500.

    Django keeps such numbers out of single lookups, but not out of the `pk__in` query that checks
    several choices, where SQLite raises OverflowError ("Python int too large to convert to SQLite INTEGER").
    """

    def _check_values(self, value):
        pk_type = self.queryset.model._meta.pk.get_internal_type()
        low, high = connection.ops.integer_field_range(pk_type)
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # not a number at all: Django's own check reports it
            if (low is not None and number < low) or (high is not None and number > high):
                message = self.error_messages["invalid_choice"]
                raise ValidationError(message, code="invalid_choice", params={"value": pk})
        return super()._check_values(value)


class ModelMultipleChoiceField(IdsWithinDatabaseIntegersMixin, forms.ModelMultipleChoiceField):
    pass


def from_the_list(message: str) -> dict[str, str]:
    """A choice that is not (or no longer) on the form's list, in GOV.UK words instead of Django's
    ("Select a valid choice. 7 is not one of the available choices.")."""
    return {"invalid_choice": message, "invalid_pk_value": message}


# What the national returns ask for (DESIGN.md §10), and a coroner's report's particulars.
NATIONAL_RETURN_FIELDS = [
    "aware_on",
    "panel_notified_on",
    "ofsted_reference",
    "decision",
    "decision_on",
    "decision_reasons",
    "converted_from",
    "incident_council",
    "home_council",
    "steis_reference",
    "signed_off_on",
    "sent_to_panel_on",
    "publication_url",
    "pfd_report_on",
    "pfd_addressees",
    "pfd_concerns",
    "pfd_published_url",
]
DATE_FIELDS = [
    "commissioned_on",
    "published_on",
    "aware_on",
    "panel_notified_on",
    "decision_on",
    "signed_off_on",
    "sent_to_panel_on",
    "pfd_report_on",
]


def _https_by_default(field, **kwargs):
    """A web link typed without a scheme is taken as https:// (Django 6's default, chosen now)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ReviewForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    converted_from = forms.ModelChoiceField(
        queryset=Review.objects.filter(kind=Review.Kind.RAPID),
        required=False,
        label="Converted from the rapid review",
        empty_label="None",
        help_text="The rapid review whose decision led to this review.",
        error_messages={"invalid_choice": "Choose a rapid review from the list"},
    )

    class Meta:
        model = Review
        formfield_callback = _https_by_default
        # In the order of the page (templates/reviews/review_form.html): the error summary lists them so.
        fields = [
            "board",
            "title",
            "subject",
            "kind",
            "sar_basis",
            "reference",
            "slug",
            "author",
            "commissioned_on",
            "published_on",
            "status",
            "subgroup",
            "summary",
            "partner_boards",
            *NATIONAL_RETURN_FIELDS,
        ]
        labels = {"board": "Lead board", "partner_boards": "Partner boards (a joint review)"}
        widgets = {
            "board": forms.RadioSelect,
            "partner_boards": forms.CheckboxSelectMultiple,
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "decision": forms.RadioSelect,
            "sar_basis": forms.RadioSelect,
            "ofsted_reference": sized("govuk-input--width-20"),
            "steis_reference": sized("govuk-input--width-20"),
            "incident_council": sized("govuk-!-width-two-thirds"),
            "home_council": sized("govuk-!-width-two-thirds"),
            "publication_url": forms.URLInput(attrs={"class": "govuk-!-width-full"}),
            "pfd_published_url": forms.URLInput(attrs={"class": "govuk-!-width-full"}),
            "title": sized("govuk-!-width-full"),
            "subject": sized("govuk-input--width-20"),
            "reference": sized("govuk-input--width-20"),
            "slug": sized("govuk-input--width-20"),
            "author": sized("govuk-!-width-two-thirds"),
            "subgroup": sized("govuk-!-width-two-thirds"),
        }
        field_classes = {**{name: DateField for name in DATE_FIELDS}, "partner_boards": ModelMultipleChoiceField}
        help_texts = {name: DATE_HINT for name in DATE_FIELDS}
        error_messages = {
            "subject": {"required": 'Enter the subject pseudonym, such as "Child D"'},
            "title": {"required": "Enter the review's title"},
            "kind": {"required": "Select the kind of review", "invalid_choice": "Select the kind of review"},
            "status": {"required": "Select the review's status", "invalid_choice": "Select the review's status"},
            "sar_basis": from_the_list("Select whether the review is mandatory or discretionary"),
            "decision": from_the_list("Select the decision from the list"),
            "partner_boards": from_the_list("Choose partner boards from the list"),
            "publication_url": {"invalid": "Enter the web link in the correct format, like https://www.example.org"},
            "pfd_published_url": {"invalid": "Enter the web link in the correct format, like https://www.example.org"},
            "slug": {
                "unique": "Another review already uses this web address name: choose a different one",
                "required": "Enter a short name for web addresses, such as child-d",
                "invalid": "Use only letters, numbers, hyphens and underscores in the web address name",
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["slug"].required = False  # left blank, made from the reference (clean_slug)
        self.fields[
            "slug"
        ].help_text = (
            "Used in web addresses. Leave blank to make one from the reference (CSPR 2026/02 becomes cspr-2026-02)."
        )
        managed = roles.scope_of(user).boards_with(roles.MANAGER)
        # The review's own board stays a choice for a partner board's manager, who may edit but not move it.
        self.fields["board"].queryset = Board.objects.filter(pk__in=managed | {self.instance.board_id} - {None})
        self.fields["board"].empty_label = None
        self.fields["sar_basis"].choices = [("", "Not a safeguarding adult review"), *Review.SarBasis.choices]
        self.fields["decision"].choices = [("", "Not yet decided"), *Review.Decision.choices]
        self.fields["board"].error_messages["invalid_choice"] = "Choose a board you are the business manager of"
        self.fields["partner_boards"].queryset = Board.objects.all()
        self.fields["partner_boards"].required = False
        if len(managed) == 1 and (self.instance.pk is None or self.instance.board_id in managed):
            # One board to choose from: nothing to ask (an edit keeps the review where it is).
            self.fields["board"].widget = forms.HiddenInput()
            self.fields["board"].required = False
            self.only_board = self.instance.board if self.instance.pk else Board.objects.get(pk=next(iter(managed)))
        else:
            self.only_board = None

    def clean_board(self):
        return self.cleaned_data.get("board") or self.only_board

    def create(self) -> Review:
        """Save the new review and count its milestones: the add-a-review page and a register file's new rows."""
        with transaction.atomic():
            review = self.save()
            refresh_milestones(review, by=self.user)
        return review

    def clean_slug(self) -> str:
        # A review's web address is kept when its field is left blank on editing: links to it keep working.
        slug = self.cleaned_data["slug"] or self.instance.slug or self.slug_from_reference()
        if slug == "new":
            raise forms.ValidationError('"new" is reserved for the add-a-review page: choose a different name')
        if slug == "import":
            raise forms.ValidationError('"import" is reserved for loading the register: choose a different name')
        return slug

    def slug_from_reference(self) -> str:
        """Left blank: made from the reference ("CSPR 2026/02" is cspr-2026-02), else the subject ("Child D" is
        child-d), with -2, -3… added when another review has it. Empty when there is neither, so it is asked for."""
        source = self.data.get(self.add_prefix("reference"), "") or self.data.get(self.add_prefix("subject"), "")
        base = slugify(source.replace("/", "-"))[:70]
        taken = Review.objects.exclude(pk=self.instance.pk).filter(slug__startswith=base).values_list("slug", flat=True)
        slug, n = base, 1
        while base and slug in set(taken):
            n += 1
            slug = f"{base}-{n}"
        return slug

    def clean(self):
        cleaned = super().clean()
        commissioned, published = cleaned.get("commissioned_on"), cleaned.get("published_on")
        if commissioned and published and published < commissioned:
            self.add_error("published_on", "The date published must be on or after the date commissioned")
        if cleaned.get("sar_basis") and cleaned.get("kind") != Review.Kind.SAR:
            self.add_error(
                "sar_basis", 'Choose "Not a safeguarding adult review" unless the kind is a safeguarding adult review'
            )
        converted_from = cleaned.get("converted_from")
        if converted_from is not None and converted_from.pk == self.instance.pk:
            self.add_error("converted_from", "A review cannot be converted from itself")
        self.check_move(cleaned)
        return cleaned

    def check_move(self, cleaned) -> None:
        """Moving a review to another board (boards split) takes the business manager of both boards."""
        old, new = self.instance.board_id, cleaned.get("board")
        if self.instance.pk is None or new is None or new.pk == old:
            if new is not None:
                cleaned["partner_boards"] = [b for b in cleaned.get("partner_boards") or [] if b.pk != new.pk]
            return
        if not roles.is_manager(self.user, {old}):
            self.add_error(
                "board",
                f"Only a business manager of both boards can move a review: you are not the business manager of "
                f"{self.instance.board}",
            )
        cleaned["partner_boards"] = [b for b in cleaned.get("partner_boards") or [] if b.pk != new.pk]


class MilestoneForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    """The business manager records a milestone: done (and when), an extension agreed, a note; and the due
    date itself only for a milestone whose rule leaves it to the board (a local target)."""

    class Meta:
        model = Milestone
        fields = ["due_on", "extended_to", "done_on", "note"]
        field_classes = {"due_on": DateField, "extended_to": DateField, "done_on": DateField}
        help_texts = {
            "due_on": DATE_HINT,
            "extended_to": "If a later date has been agreed, for example by the coroner. " + DATE_HINT,
            "done_on": DATE_HINT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.rule.counts_from:
            del self.fields["due_on"]  # counted by the rule


# The board's decision on a recommendation and, for one addressed above the board, where it went (DESIGN.md §11).
DECISION_FIELDS = ["decision", "decision_reason", "decided_by", "decided_on", "sent_to", "sent_on", "reply"]
# Impact, kept apart from completion: on a recommendation, and on an action where it is finer.
IMPACT_FIELDS = ["intended_outcome", "impact_measure", "evaluate_by"]


class RecommendationForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        required=False,
        empty_label="None: a board-wide or national recommendation",
        help_text="Leave as none for a board-wide or national recommendation.",
        error_messages=from_the_list("Choose an agency from the list"),
    )
    themes = ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Learning themes",
        error_messages=from_the_list("Choose learning themes from the list"),
    )

    class Meta:
        model = Recommendation
        fields = ["number", "agency", "text", "source", "themes", *DECISION_FIELDS, *IMPACT_FIELDS]
        widgets = {
            "number": sized("govuk-input--width-5"),
            "decision": forms.RadioSelect,
            "decision_reason": forms.Textarea(attrs={"rows": 4}),
            "decided_by": sized("govuk-!-width-two-thirds"),
            "sent_to": sized("govuk-!-width-two-thirds"),
            "reply": forms.Textarea(attrs={"rows": 4}),
            "intended_outcome": forms.Textarea(attrs={"rows": 3}),
            "impact_measure": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"decided_on": DateField, "sent_on": DateField, "evaluate_by": DateField}
        help_texts = {"decided_on": DATE_HINT, "sent_on": DATE_HINT, "evaluate_by": DATE_HINT, "decision": ""}
        labels = {"decision": "Decision"}
        error_messages = {
            "number": {"required": 'Enter the recommendation number as printed, such as "6.4"'},
            "text": {"required": "Enter the recommendation"},
            "source": {
                "required": "Select where the recommendation comes from",
                "invalid_choice": "Select where the recommendation comes from",
            },
            "decision": from_the_list("Select the board's decision from the list"),
        }

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.instance.review = review
        self.fields["decision"].choices = [("", "Not yet decided"), *Recommendation.Decision.choices]

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        taken = Recommendation.objects.filter(review=self.review, number=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                f"Recommendation {number} already exists in this review: enter a different number"
            )
        return number

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision", "")
        if problem := Recommendation.decision_problem(decision, cleaned.get("decision_reason", "")):
            self.add_error("decision_reason", problem)
        for name, label in (("decided_on", "The date decided"), ("sent_on", "The date sent")):
            when = cleaned.get(name)
            if when and when > timezone.localdate():
                self.add_error(name, f"{label} must be today or in the past")
        if decision and not cleaned.get("decided_on") and "decided_on" not in self.errors:
            self.add_error("decided_on", "Enter the date the decision was taken")
        if cleaned.get("reply", "").strip() and not cleaned.get("sent_to", "").strip():
            self.add_error("sent_to", "Enter to whom the recommendation was sent, since it has a reply")
        return cleaned


class LearningActivityForm(BoundedTextMixin, forms.ModelForm):
    reviews = ModelMultipleChoiceField(
        queryset=Review.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Reviews it carries",
        error_messages=from_the_list("Choose reviews from the list"),
    )
    themes = ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Learning themes",
        error_messages=from_the_list("Choose learning themes from the list"),
    )

    class Meta:
        model = LearningActivity
        fields = ["kind", "held_on", "title", "description", "reviews", "themes"]
        widgets = {
            "kind": forms.RadioSelect,
            "title": sized("govuk-!-width-full"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"held_on": DateField}
        help_texts = {"held_on": DATE_HINT}
        error_messages = {
            "kind": {
                "required": "Select the kind of learning activity",
                "invalid_choice": "Select the kind of learning activity",
            },
            "title": {"required": "Enter the title of the learning activity"},
            "held_on": {"required": "Enter the date of the learning activity"},
        }


class AttendanceForm(forms.Form):
    """One agency's attendance at a learning activity; a second entry for the same agency replaces the first."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency", "invalid_choice": "Choose an agency from the list"},
    )
    attendees = forms.IntegerField(
        label="Number of practitioners",
        min_value=0,
        max_value=LearningAttendance.MAX_ATTENDEES,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter the number of practitioners",
            "invalid": "Enter the number of practitioners as a whole number, such as 24",
            "min_value": "The number of practitioners must be 0 or more",
            "max_value": f"The number of practitioners must be {LearningAttendance.MAX_ATTENDEES:,} or fewer",
        },
    )
