"""Template tags for assurance: the action page's assurance panel, and GOV.UK form widgets.

`{% action_assurance_panel action %}` renders everything the board holds on
one action's assurance: evidence and its files, the current judgement and
every earlier one, the requests covering it and the challenges raised on it.
It costs a fixed number of queries whatever the action holds.
"""

from django import template
from django.db.models import Prefetch
from django.forms import Select
from django.utils.html import format_html_join

from assurance.models import AssuranceJudgement, AssuranceRequest, Challenge, EvidenceFile
from lscb.platform.permissions import may

register = template.Library()


def action_url(action) -> str:
    return action.get_absolute_url()


@register.simple_tag
def action_href(action) -> str:
    return action_url(action)


@register.inclusion_tag("assurance/panel.html", takes_context=True)
def action_assurance_panel(context, action) -> dict:
    user = context["request"].user
    # Queries: evidence, its files, judgements (with who recorded them), requests, challenges (with events).
    # Through the action's own manager, so each piece of evidence knows its action without a query.
    evidence = list(
        action.evidence.filter(withdrawn=False)
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.filter(withdrawn=False)))
    )
    judgements = list(AssuranceJudgement.objects.filter(action=action).select_related("recorded_by"))
    return {
        "action": action,
        "evidence_list": evidence,
        "judgements": judgements,
        "current": judgements[0] if judgements else None,
        "assurance_requests": list(AssuranceRequest.objects.filter(actions=action).select_related("agency")),
        "challenges": list(Challenge.objects.filter(action=action).select_related("event")),
        "can_upload": may(user, "assurance.upload_evidence", action),
        "can_judge": may(user, "assurance.judge", action),
        # Every piece is this action's evidence, so the answer is the same for each (and asks no query).
        "can_download": all(may(user, "assurance.download_evidence", piece) for piece in evidence),
    }


@register.filter
def govuk_widget(field) -> str:
    """Render a form field's input with GOV.UK classes, its error state and aria-describedby."""
    widget_type = field.widget_type
    css = {
        "textarea": "govuk-textarea",
        "select": "govuk-select",
        "file": "govuk-file-upload",
        "multiplefile": "govuk-file-upload",
    }.get(widget_type, "govuk-select" if isinstance(field.field.widget, Select) else "govuk-input")
    if field.errors:
        css += {"govuk-textarea": " govuk-textarea--error", "govuk-select": " govuk-select--error"}.get(
            css, " govuk-file-upload--error" if "file" in widget_type else " govuk-input--error"
        )
    if widget_type == "date":
        css += " govuk-input--width-10"
    attrs = {"class": css}
    described = [f"{field.auto_id}-hint"] if field.help_text else []
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def error_anchor(field) -> str:
    """Where an error summary link should land: the first option of a radio or checkbox group."""
    if field.widget_type in {"radioselect", "checkboxselectmultiple"}:
        return f"{field.auto_id}_0"
    return field.auto_id


@register.simple_tag
def join_names(objects) -> str:
    return format_html_join(", ", "{}", ((str(o),) for o in objects)) or "None"
