"""Forms for the review register and recommendations."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection

from lscb.platform.forms import DateField
from lscb.platform.limits import BoundedTextMixin
from lscb.platform.locking import SeenMarkerMixin
from reviews.models import Agency, Recommendation, Review, Theme

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


class ReviewForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    class Meta:
        model = Review
        fields = [
            "kind",
            "reference",
            "slug",
            "subject",
            "title",
            "author",
            "commissioned_on",
            "published_on",
            "status",
            "subgroup",
            "summary",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "title": sized("govuk-!-width-full"),
            "subject": sized("govuk-input--width-20"),
            "reference": sized("govuk-input--width-20"),
            "slug": sized("govuk-input--width-20"),
            "author": sized("govuk-!-width-two-thirds"),
            "subgroup": sized("govuk-!-width-two-thirds"),
        }
        field_classes = {"commissioned_on": DateField, "published_on": DateField}
        help_texts = {"commissioned_on": DATE_HINT, "published_on": DATE_HINT}
        error_messages = {
            "subject": {"required": 'Enter the subject pseudonym, such as "Child D"'},
            "title": {"required": "Enter the review's title"},
            "slug": {
                "unique": "Another review already uses this web address name. Choose a different one.",
                "required": "Enter a short name for web addresses, such as child-d",
                "invalid": "Use only letters, numbers, hyphens and underscores in the web address name",
            },
        }

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug == "new":
            raise forms.ValidationError('"new" is reserved for the add-a-review page. Choose a different name.')
        return slug

    def clean(self):
        cleaned = super().clean()
        commissioned, published = cleaned.get("commissioned_on"), cleaned.get("published_on")
        if commissioned and published and published < commissioned:
            self.add_error("published_on", "The date published must be on or after the date commissioned")
        return cleaned


class RecommendationForm(BoundedTextMixin, SeenMarkerMixin, forms.ModelForm):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        required=False,
        empty_label="None: a board-wide or national recommendation",
        help_text="Leave as none for a board-wide or national recommendation.",
    )
    themes = ModelMultipleChoiceField(
        queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label="Learning themes"
    )

    class Meta:
        model = Recommendation
        fields = ["number", "agency", "text", "source", "themes"]
        widgets = {"number": sized("govuk-input--width-5")}
        error_messages = {
            "number": {"required": 'Enter the recommendation number as printed, such as "6.4"'},
            "text": {"required": "Enter the recommendation"},
        }

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.instance.review = review

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        taken = Recommendation.objects.filter(review=self.review, number=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                f"Recommendation {number} already exists in this review. Enter a different number."
            )
        return number
