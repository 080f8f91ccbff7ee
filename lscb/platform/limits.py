"""Bounds on the text a person types: one maximum length for each text field, in forms, the admin and the import.

Issue 12, finding 2: one 2.4-million-character progress update made every print of its review's plan run
out of time. Each model that holds typed text lists its bounds beside its fields as `TEXT_LIMITS`
({field name: Limit}); that is a class attribute, not a column change, so no migration. The forms
(`BoundedTextMixin`), the admin (`BoundedTextAdminMixin`) and the plan import read the same table, so an
imported plan never holds what a form would refuse. README "Limits" lists every bound and why.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxLengthValidator


@dataclass(frozen=True)
class Limit:
    """The most characters a text field may hold, and the name its error message gives the field."""

    characters: int
    name: str

    def message(self) -> str:
        """GOV.UK's words for a too-long answer: "Progress must be 10,000 characters or fewer"."""
        return f"{self.name} must be {self.characters:,} characters or fewer"

    def exceeded_by(self, text: str) -> bool:
        return len(text) > self.characters


def bound(field: forms.CharField, limit: Limit) -> None:
    """Give a form field the limit: one length check with the GOV.UK message, replacing Django's own."""
    field.max_length = limit.characters
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(limit.characters, message=limit.message()))


def model_limits(form_or_admin) -> dict[str, Limit]:
    model = getattr(getattr(form_or_admin, "_meta", None), "model", None) or getattr(form_or_admin, "model", None)
    return getattr(model, "TEXT_LIMITS", {})


class BoundedTextMixin:
    """Every text field of the form gets its limit: from the form's `text_limits`, else its model's
    `TEXT_LIMITS`. A text field with neither is a mistake, refused when the form is built."""

    text_limits: dict[str, Limit] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = {**model_limits(self), **self.text_limits}
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.HiddenInput):
                continue
            if name not in limits:
                raise ImproperlyConfigured(f"{type(self).__name__}.{name} is a text field with no TEXT_LIMITS bound")
            bound(field, limits[name])


class BoundedTextAdminMixin:
    """The admin's forms hold the model's bounds too, with the same messages."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        limit = model_limits(self).get(db_field.name)
        if limit is not None and isinstance(field, forms.CharField):
            bound(field, limit)
        return field
