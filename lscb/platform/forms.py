"""GOV.UK forms: the form renderer, and the date input (day, month, year) for every date a person types.

FORM_RENDERER (settings) is `GovukFormRenderer`: `{{ form.field.as_field_group }}` draws a GOV.UK form group
(templates/govuk/field.html: label or legend, hint, error message, the widget with its classes and
aria-describedby). Every date a person types is a `DateField` drawn as three inputs in a fieldset
(templates/govuk/widgets/date.html), as GOV.UK's date input component; a single typed value
("31/03/2026" or "2026-03-31", as bookmarked filter URLs and scripts send) is accepted too.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

PARTS = ("day", "month", "year")
MONTHS = {name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


class GovukFormRenderer(TemplatesSetting):
    """Django's form rendering through the project's templates, with GOV.UK form groups for fields."""

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class DateInput(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes, named `<name>_day`, `<name>_month`, `<name>_year`."""

    template_name = "govuk/widgets/date.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        super().__init__({part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in PARTS}, attrs)

    def decompress(self, value) -> list:
        if isinstance(value, str):
            value = parse_whole(value)
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        whole = data.get(name)
        if whole:  # one typed value: a bookmarked filter URL or a script
            return whole
        if any(f"{name}_{part}" in data for part in PARTS):
            return [data.get(f"{name}_{part}", "") for part in PARTS]
        return whole

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and not any(f"{name}_{part}" in data for part in PARTS)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        box_id = context["widget"]["attrs"].get("id")
        for part, subwidget in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            subwidget["part"] = part
            subwidget["label"] = part.capitalize()
            if box_id:
                subwidget["attrs"]["id"] = f"{box_id}_{part}"
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else ""


def parse_whole(value: str) -> datetime.date | None:
    """A date typed in one box: 31/03/2026, 31/3/2026 or 2026-03-31; None if it is none of those."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


class DateField(forms.DateField):
    """A date typed as day, month and year, with GOV.UK error messages naming the field."""

    widget = DateInput
    default_error_messages = {
        "required": "Enter the %(lower_label)s",
        "invalid": "%(label)s must be a real date",
        "incomplete": "%(label)s must include a %(missing)s",
        "year": "Year must include 4 numbers",
    }

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return self.from_parts(*value)
        if isinstance(value, datetime.date) or value in self.empty_values:
            return super().to_python(value)
        day = parse_whole(str(value))
        if day is None:
            raise self.problem("invalid")
        return day

    def validate(self, value) -> None:
        if value in self.empty_values and self.required:
            raise self.problem("required")  # Django's own ("This field is required.") does not name the field
        super().validate(value)

    def from_parts(self, day: str = "", month: str = "", year: str = "") -> datetime.date | None:
        parts = {"day": str(day).strip(), "month": str(month).strip(), "year": str(year).strip()}
        if not any(parts.values()):
            return None
        missing = [part for part in PARTS if not parts[part]]
        if missing:
            raise self.problem("incomplete", missing=" and ".join(missing))
        month_number = str(MONTHS.get(parts["month"][:3].lower(), parts["month"]))
        if not (parts["day"].isdigit() and month_number.isdigit() and parts["year"].isdigit()):
            raise self.problem("invalid")
        if len(parts["year"]) != 4:
            raise self.problem("year")
        try:
            return datetime.date(int(parts["year"]), int(month_number), int(parts["day"]))
        except ValueError:
            raise self.problem("invalid") from None

    def problem(self, code: str, **params) -> ValidationError:
        label = str(self.label or "Date")
        names = {"label": label, "lower_label": label[:1].lower() + label[1:]}
        return ValidationError(self.error_messages[code], code=code, params={**names, **params})


class DateFilter(django_filters.DateFilter):
    """A filter on a date, typed with the GOV.UK date input; `?due_after=2026-03-31` still works."""

    field_class = DateField
