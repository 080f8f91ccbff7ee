"""The one field diff: how a change to one field is held and printed, wherever it is shown.

The History pages and change log (history.py), the stale-edit message (locking.py)
and the plan import preview all describe a change as a FieldChange whose values
went through `display()`, so "(none)", dates and names read the same on each.
Values are printed by lscb/platform/values.py.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.text import capfirst

from lscb.platform import values


@dataclass
class FieldChange:
    """One field of one record: its label and its value before and after, ready to show.

    A many-to-many field also lists what was `added` and `removed`. The stale-edit
    message says `by` whom and `at` what moment the field last changed.
    """

    label: str
    before: str
    after: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    by: str = ""
    at: datetime.datetime | None = field(default=None, compare=False)


def label_of(model_field) -> str:
    return capfirst(str(model_field.verbose_name))


def display(model_field: models.Field | None, value, related: dict | None = None) -> str:
    """A stored value in the board's words: labels, UK dates, names, Yes/No, "(none)".

    `related` is {related model: {pk: record}} for the foreign keys in view, loaded
    beforehand so that printing never queries.
    """
    if values.is_empty(value):
        return values.NONE
    if model_field is not None and model_field.many_to_one and related is not None:
        return name_of(related.get(model_field.related_model, {}).get(value), model_field.related_model, value)
    if isinstance(model_field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return values.show(value, model_field)


def field_change(model_field: models.Field, before, after, related: dict | None = None, **extra) -> FieldChange:
    """The change of one field from `before` to `after` (stored values), printed."""
    return FieldChange(
        label_of(model_field), display(model_field, before, related), display(model_field, after, related), **extra
    )


def set_change(label: str, before: list[str], after: list[str]) -> FieldChange:
    """The change of a set of named records (a many-to-many field such as a recommendation's themes)."""
    return FieldChange(
        label=label,
        before=values.show(before),
        after=values.show(after),
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
    )


def display_user(user) -> str:
    """Who made a change, printed the one way (values.person): an import, a command or a migration has no user."""
    return values.person(user)


def name_of(obj, model: type[models.Model], pk) -> str:
    if obj is None:
        return f"{capfirst(model._meta.verbose_name)} {pk} (no longer exists)"
    if isinstance(obj, get_user_model()):
        return display_user(obj)
    return str(obj)
