"""Template tags for assurance: the action page's assurance panel (form widgets are the platform's `govuk`).

`{% action_assurance_panel action %}` renders everything the board holds on
one action's assurance: evidence and its files, the current judgement and
every earlier one, the requests covering it and the challenges raised on it.
It costs a fixed number of queries whatever the action holds.
"""

from django import template
from django.db.models import Prefetch
from django.utils.html import format_html_join

from assurance.models import AssuranceJudgement, AssuranceRequest, Challenge, Evidence, EvidenceFile
from lscb.platform.permissions import may

register = template.Library()


def action_url(action) -> str:
    return action.get_absolute_url()


@register.simple_tag
def action_href(action) -> str:
    return action_url(action)


@register.inclusion_tag("assurance/panel.html", takes_context=True)
def action_assurance_panel(context, action) -> dict:
    """Everything beside the action is fetched through its model's `for_user()`, like the action itself:
    a request addressed to the agency the action has moved from stays that agency's (issue 12, finding 1)."""
    user = context["request"].user
    # Queries: evidence, its files, judgements (with who recorded them), requests, challenges (with events).
    evidence = list(
        Evidence.objects.for_user(user)
        .filter(action=action, withdrawn=False)
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.filter(withdrawn=False)))
    )
    for piece in evidence:
        piece.action = action  # so that the download check below asks no query
    judgements = list(AssuranceJudgement.objects.for_user(user).filter(action=action).select_related("recorded_by"))
    requests = AssuranceRequest.objects.for_user(user).filter(actions=action).select_related("agency")
    return {
        "action": action,
        "evidence_list": evidence,
        "judgements": judgements,
        "current": judgements[0] if judgements else None,
        "assurance_requests": list(requests),
        "challenges": list(Challenge.objects.for_user(user).filter(action=action).select_related("event")),
        "can_upload": may(user, "assurance.upload_evidence", action),
        "can_judge": may(user, "assurance.judge", action),
        # Every piece is this action's evidence, so the answer is the same for each (and asks no query).
        "can_download": all(may(user, "assurance.download_evidence", piece) for piece in evidence),
    }


@register.simple_tag
def join_names(objects) -> str:
    return format_html_join(", ", "{}", ((str(o),) for o in objects)) or "None"
