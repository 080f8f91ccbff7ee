"""The platform's template library: values printed one way (lscb/platform/values.py) and GOV.UK form widgets.

`{{ action.due_date|short_date }}` (31/03/2026), `{{ review.published_on|long_date }}` (31 March 2026),
`{{ action.lead_officer|or_none }}` ("(none)"), `{{ update.author|person }}` (a name, or "the action tracker").
"""

import re

from django import template
from django.forms import BoundField
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

from lscb.platform import permissions, values

register = template.Library()


@register.filter
def short_date(value) -> str:
    return values.short_date(value)


@register.filter
def long_date(value) -> str:
    return values.long_date(value)


@register.filter
def or_none(value) -> str:
    """The value, or "(none)" when there is nothing to show."""
    return values.NONE if values.is_empty(value) else value


@register.filter
def shortened(value, limit: int) -> str:
    """`{{ action.description|shortened:160 }}`: cut between words, never mid-word (values.shortened)."""
    return values.shortened(value, int(limit))


@register.filter
def possessive(name) -> str:
    """`{{ agency.name|possessive }} extract`: "GP Services' extract", "Education's extract"."""
    return values.possessive(name)


@register.filter
def person(user) -> str:
    """Who did something, by name; "the action tracker" when no person did (`|person|capfirst` in a table cell)."""
    return values.person(user)


_BASE_CLASS = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "nullbooleanselect": "govuk-select",
    "file": "govuk-file-upload",
    "clearablefile": "govuk-file-upload",
    "multiplefile": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


def described_by(field: BoundField) -> str:
    """The ids of the field's hint and error message, for aria-describedby."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def govuk_widget(field: BoundField) -> str:
    """The field's own widget with GOV.UK classes (its own extra classes kept), error state and ARIA links.

    Give a field extra classes (widths) on its widget: `forms.TextInput(attrs={"class": "govuk-input--width-10"})`.
    """
    base = _BASE_CLASS.get(field.widget_type, "govuk-input")
    classes = [base, *field.field.widget.attrs.get("class", "").split()]
    if field.errors and base != "govuk-checkboxes__input":
        classes.append(f"{base}--error")
    attrs = {"class": " ".join(classes)}
    if described_by(field) and not field.use_fieldset:
        attrs["aria-describedby"] = described_by(field)
    return field.as_widget(attrs=attrs)


@register.filter
def describedby(field: BoundField) -> str:
    return described_by(field)


@register.filter
def error_anchor(field: BoundField) -> str:
    """Where an error summary link should land: the first option of radios and checkboxes, a date's day."""
    if field.widget_type in ("radioselect", "checkboxselectmultiple"):
        return f"{field.auto_id}_0"
    if field.widget_type == "date":
        return f"{field.auto_id}_day"
    return field.auto_id


@register.simple_tag(takes_context=True)
def may(context, permission: str, obj=None) -> bool:
    """`{% may "actions.add_progress" action as can_add_progress %}`: the views' own named permissions."""
    return permissions.may(context["request"].user, permission, obj)


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*labels_and_urls) -> dict:
    """`{% breadcrumbs "Reviews" reviews_url review.title "" %}`: label, url pairs for the one breadcrumbs include.

    A page whose view builds the pairs itself includes "includes/breadcrumbs.html" with `breadcrumbs`.
    """
    return {"breadcrumbs": list(zip(labels_and_urls[::2], labels_and_urls[1::2], strict=True))}


_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S | re.I)


class ScrollingTableNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist, self.label = nodelist, label

    def render(self, context) -> str:
        html = self.nodelist.render(context)
        label = self.label.resolve(context) if self.label is not None else ""
        if not label and (caption := _CAPTION.search(html)):
            label = " ".join(strip_tags(caption.group(1)).split())
        if not label:
            raise template.TemplateSyntaxError("{% scrolling_table %} needs a label, or a table with a caption")
        return format_html(
            '<div class="lscb-scroll" role="region" aria-label="{}" tabindex="0">{}</div>', label, mark_safe(html)
        )


@register.tag
def scrolling_table(parser, token) -> ScrollingTableNode:
    """`{% scrolling_table "Actions" %}<table>…</table>{% endscrolling_table %}`: every wide table scrolls
    sideways inside its own region, never the page (WCAG 2.2 1.4.10, reflow at 320 px). The region can take
    the keyboard's focus (so it can be scrolled without a mouse) and is named by the label given, or else by
    the table's caption."""
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("{% scrolling_table %} takes at most one label")
    nodelist = parser.parse(("endscrolling_table",))
    parser.delete_first_token()
    return ScrollingTableNode(nodelist, parser.compile_filter(bits[1]) if len(bits) == 2 else None)
