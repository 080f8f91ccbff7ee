"""The GOV.UK date input: a date typed as day, month and year, or as one value from a bookmark or a script."""

import datetime

import pytest
from django import forms
from django.http import QueryDict

from lscb.platform.forms import DateField


class DueForm(forms.Form):
    due_date = DateField(label="Due date")


class OptionalForm(forms.Form):
    due_date = DateField(label="Due date", required=False)


def cleaned(data: dict, form_class=DueForm):
    form = form_class(QueryDict(mutable=True) | data)
    return form.cleaned_data.get("due_date") if form.is_valid() else form.errors["due_date"]


@pytest.mark.parametrize(
    "data",
    [
        {"due_date_day": "31", "due_date_month": "3", "due_date_year": "2026"},
        {"due_date_day": " 31 ", "due_date_month": "03", "due_date_year": "2026"},
        {"due_date_day": "31", "due_date_month": "Mar", "due_date_year": "2026"},
        {"due_date_day": "31", "due_date_month": "march", "due_date_year": "2026"},
        {"due_date": "31/03/2026"},
        {"due_date": "31/3/2026"},
        {"due_date": "2026-03-31"},
    ],
)
def test_a_date_is_typed_in_three_boxes_or_as_one_value(data):
    assert cleaned(data) == datetime.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_date_day": "31", "due_date_month": "2", "due_date_year": "2026"}, "Due date must be a real date"),
        ({"due_date_day": "x", "due_date_month": "2", "due_date_year": "2026"}, "Due date must be a real date"),
        ({"due_date_day": "31", "due_date_month": "3", "due_date_year": ""}, "Due date must include a year"),
        ({"due_date_day": "", "due_date_month": "", "due_date_year": "2026"}, "Due date must include a day and month"),
        ({"due_date_day": "31", "due_date_month": "3", "due_date_year": "26"}, "Year must include 4 numbers"),
        ({"due_date": "31-31-2026"}, "Due date must be a real date"),
        ({"due_date": "tomorrow"}, "Due date must be a real date"),
        ({"due_date_day": "", "due_date_month": "", "due_date_year": ""}, "Enter the due date"),
        ({}, "Enter the due date"),
    ],
)
def test_a_wrong_date_is_reported_in_govuk_words(data, message):
    assert cleaned(data) == [message]


def test_an_optional_date_left_empty_is_none():
    assert cleaned({"due_date_day": "", "due_date_month": "", "due_date_year": ""}, OptionalForm) is None


def test_the_date_input_is_three_labelled_boxes_in_a_fieldset_with_the_typed_values():
    form = DueForm({"due_date_day": "31", "due_date_month": "2", "due_date_year": "2026"})
    html = form["due_date"].as_field_group()
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_due_date-error">' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Due date</legend>' in html
    for part, value in (("day", "31"), ("month", "2"), ("year", "2026")):
        assert f'<label class="govuk-label govuk-date-input__label" for="id_due_date_{part}">' in html
        assert f'id="id_due_date_{part}" name="due_date_{part}" type="text" inputmode="numeric" value="{value}"' in html
    assert html.count("govuk-input--error") == 3 and 'type="date"' not in html


def test_a_date_from_the_record_fills_the_boxes():
    html = DueForm(initial={"due_date": datetime.date(2026, 3, 9)})["due_date"].as_field_group()
    assert 'name="due_date_day" type="text" inputmode="numeric" value="9"' in html
    assert 'name="due_date_month" type="text" inputmode="numeric" value="3"' in html
