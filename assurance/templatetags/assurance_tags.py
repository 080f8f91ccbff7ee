"""Template tags for assurance: the action page's assurance panel (form widgets are the platform's `govuk`).

`{% action_assurance_panel action %}` renders everything the board holds on
one action's assurance: evidence and its files, the current judgement and
every earlier one, the requests covering it and the challenges raised on it.
It costs a fixed number of queries whatever the action holds.
"""

from django import template
from django.db.models import Prefetch
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


@register.simple_tag
def join_names(objects) -> str:
    return format_html_join(", ", "{}", ((str(o),) for o in objects)) or "None"
