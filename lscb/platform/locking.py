"""What changed on a record since someone opened a form on it: the lost-update message.

Reviews, recommendations and actions are edited by several people. A form
carries a marker of the history row it was opened at (`seen`); when the record has moved on
by the time it is saved, the save is refused and the person is shown, field by
field, what changed, who changed it and when, read from the record's history.
It works on any model with django-simple-history and knows no app.
"""

import datetime
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse

from lscb.platform.diff import FieldChange, display_user, field_change

UNKNOWN = "(unknown)"


class SeenMarkerMixin(forms.Form):
    """A hidden marker of the history row the form was opened at, for lost-update protection."""

    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StaleEdit(Exception):
    """The record changed after the form was opened; nothing was saved."""

    def __init__(self, changes: list[FieldChange], current_marker: int):
        super().__init__("The record changed after the form was opened.")
        self.changes = changes
        self.current_marker = current_marker


def _related(fields: list[models.Field], rows: list) -> dict:
    """{related model: {pk: record}} for every related record mentioned, one query per related model."""
    related: dict = {}
    for field in fields:
        if not field.many_to_one:
            continue
        ids = {getattr(row, field.attname) for row in rows} - {None}
        related.setdefault(field.related_model, {}).update(field.related_model._base_manager.in_bulk(ids))
    return related


def field_changes(base, newer: list, current: models.Model, field_names: list[str]) -> list[FieldChange]:
    """Each field whose value differs between `base` (the history row the form was opened at,
    or None when unknown) and `current`, with who last changed it among the `newer` history rows
    (oldest first)."""
    # Many-to-many fields are not columns of a history row: the marker still guards them, unlisted.
    fields = [f for f in (current._meta.get_field(name) for name in field_names) if f.concrete and not f.many_to_many]
    related = _related(fields, [r for r in [base, *newer, current] if r is not None])
    changes = []
    for field in fields:
        now = getattr(current, field.attname)
        was = getattr(base, field.attname) if base is not None else None
        if base is not None and was == now:
            continue
        by, at = _last_change_of(field.attname, base, newer)
        if base is None and by is None:
            continue
        change = field_change(field, was, now, related, by=by or "someone", at=at)
        if base is None:
            change.before = UNKNOWN
        changes.append(change)
    return changes


def _last_change_of(attname: str, base, newer: list) -> tuple[str | None, datetime.datetime | None]:
    by, at = None, None
    previous = base
    for row in newer:
        if previous is None or getattr(previous, attname) != getattr(row, attname):
            by, at = display_user(row.history_user), row.history_date
        previous = row
    return by, at


def latest_history_id(instance: models.Model) -> int:
    latest = instance.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return latest or 0


def check_history_marker(locked: models.Model, seen: int | None, field_names: list[str]) -> None:
    """Refuse a save when history rows were written after the one the form was opened at.

    `locked` must have been read with select_for_update() inside the saving transaction.
    """
    current_marker = latest_history_id(locked)
    if seen == current_marker:
        return
    history = locked.history.select_related("history_user")
    base = history.filter(history_id=seen).first() if seen else None
    newer = list(history.filter(history_id__gt=seen or 0).order_by("history_id"))
    raise StaleEdit(field_changes(base, newer, locked, field_names), current_marker)


class StaleFormMixin:
    """How a view shows a refused stale save: the message, what changed since, field by field, and the
    form armed again at the current marker, so that submitting once more saves knowingly."""

    stale_message = (
        "Someone changed this record after you opened the form. Your changes have not been saved. "
        "Check what changed below; to save yours anyway, submit the form again"
    )

    def stale_response(self, form, stale: StaleEdit):
        form.add_error(None, self.stale_message)
        form.data = form.data.copy()
        form.data["seen"] = stale.current_marker
        return self.render_to_response(self.get_context_data(form=form, changes=stale.changes))


class GuardedSaveMixin(StaleFormMixin):
    """Save a form on an existing record only if nobody changed the record since the form was opened.

    The record is locked (select_for_update) and its history marker checked inside the
    transaction that saves, so two saves from the same marker cannot both pass. The view's
    own form_valid() runs inside that transaction; a view whose form_valid() is its own calls
    save_guarded() with the function that saves.
    """

    # The fields a stale-edit message lists; by default the form's model fields.
    guarded_fields: list[str] = []
    success_message = ""

    def guarded_record(self) -> models.Model:
        return self.object

    def get_initial(self):
        return {**super().get_initial(), "seen": latest_history_id(self.guarded_record())}

    def form_valid(self, form):
        return self.save_guarded(form, super().form_valid)

    def save_guarded(self, form, save: Callable[[forms.Form], HttpResponse]) -> HttpResponse:
        record = self.guarded_record()
        try:
            with transaction.atomic():
                locked = type(record)._base_manager.select_for_update().get(pk=record.pk)
                check_history_marker(locked, form.cleaned_data.get("seen"), self.shown_fields(form))
                response = save(form)
        except StaleEdit as stale:
            return self.stale_response(form, stale)
        except IntegrityError:
            return self.integrity_error(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return response

    def shown_fields(self, form) -> list[str]:
        meta = getattr(form, "_meta", None)
        return self.guarded_fields or list(getattr(meta, "fields", None) or [])

    def integrity_error(self, form):
        form.add_error(None, "This could not be saved because it clashes with another record: check and try again")
        return self.form_invalid(form)
