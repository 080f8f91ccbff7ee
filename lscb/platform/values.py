"""The one way to print a stored value (DESIGN.md §12), on pages, in history and in files.

- Nothing is "(none)".
- In tables, lists and a form's echo of what was typed, a date is 31/03/2026 and a moment 31/03/2026 14:05.
- In prose and headings, a date is 31 March 2026 (no leading zero: 1 December 2026).
- A choice prints its label, a yes/no field Yes or No, a related record its name.
- A person is their full name, else their username; a change nobody made (an import from the command
  line, a management command, a migration) is "the action tracker's".

Template filters of the same names are in lscb/platform/templatetags/govuk.py.
"""

import datetime

from django.utils import timezone

NONE = "(none)"
SYSTEM = "the action tracker"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def short_date(value) -> str:
    """31/03/2026 for a date, 31/03/2026 14:05 (local time) for a moment, "(none)" for nothing."""
    if is_empty(value):
        return NONE
    if isinstance(value, datetime.datetime):
        return local(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def long_date(value) -> str:
    """31 March 2026 (a moment: 31 March 2026 at 14:05), "(none)" for nothing."""
    if is_empty(value):
        return NONE
    if isinstance(value, datetime.datetime):
        moment = local(value)
        return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} at {moment:%H:%M}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def possessive(name) -> str:
    """A name's possessive: Children's Social Care's, but GP Services' (an s at the end takes ' alone)."""
    name = str(name)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def person(user) -> str:
    """Who did something: imports, commands and migrations change records with no user, so None is the system."""
    if user is None:
        return SYSTEM
    return user.get_full_name() or user.get_username()


def show(value, field=None) -> str:
    """A stored value in the board's words, as a table cell shows it.

    With the model `field` it came from, a choice prints its label and a boolean Yes or No.
    A related record prints its str(); pass the record, not its id.
    """
    if is_empty(value):
        return NONE
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return short_date(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(v) for v in value)) or NONE
    return str(value)


def shortened(text, limit: int) -> str:
    """The text up to `limit` characters, cut between words (never mid-word), with "…" when cut."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else text[:limit]
    return cut.rstrip(" ,;:.") + "…"
