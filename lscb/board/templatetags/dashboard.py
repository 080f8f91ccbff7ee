"""Template helpers for the dashboard's figures."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def figure(fig, label: str = "", percent: int | None = None):
    """A count, optionally with its percentage, as a link to the action list of exactly those actions.

    `label` is read out after the number by screen readers only ("3 overdue,
    Cafcass"), since a bare number is not a meaningful link on its own.
    """
    text = fig.count if percent is None else format_html("{}%<span class='lscb-of'> ({})</span>", percent, fig.count)
    hidden = format_html('<span class="govuk-visually-hidden"> {}</span>', label) if label else ""
    if not fig.url:
        return format_html("{}{}", text, hidden)
    return format_html('<a class="govuk-link" href="{}">{}{}</a>', fig.url, text, hidden)
