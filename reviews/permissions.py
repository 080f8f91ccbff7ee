"""What each role may do (DESIGN.md §4): every decision, in one module of `rules` predicates.

Each decision is a named permission in the board's words ("actions.add_progress"). Views name the
permission they need (lscb.platform.permissions.PermissionRequiredMixin), templates ask the same
names (`{% may "actions.add_progress" action as can_add_progress %}`), and so does the navigation.

Reading is scoped by each model's `for_user()` queryset, which answers 404 outside the user's scope;
these permissions answer 403 for what the user may see but not do. They are registered with
`rules.add_perm` when the reviews app is ready (ReviewsConfig.ready), and asked with
`rules.has_perm`, never `user.has_perm`: Django lets an active superuser through every
`user.has_perm`, and an administrator without a board role must gain nothing on the board's pages.

Like reviews.roles (the one reader of the roles), this module imports no app models, so every layer
may use it: it reads an object's agency by its id (an action's `agency_id`, evidence's action's).
"""

import rules

from reviews import roles

# Evidence the board has accepted stays on the record: its lead can no longer withdraw it
# (assurance.models.Evidence.ReviewState.ACCEPTED, which this layer cannot import).
ACCEPTED = "accepted"


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def has_a_role(user) -> bool:
    return bool(roles.role_names(user))


@rules.predicate
def is_manager(user) -> bool:
    return roles.is_manager(user)


@rules.predicate
def is_chair(user) -> bool:
    return roles.is_chair(user)


@rules.predicate
def is_agency_lead(user) -> bool:
    return roles.is_agency_lead(user)


sees_whole_board = is_manager | is_chair


def _leads(user, agency_id: int | None) -> bool:
    return agency_id is not None and agency_id in roles.lead_agency_ids(user)


@rules.predicate
def leads_the_agency(user, agency) -> bool:
    """The object is one of the user's agencies (None, the whole plan, is nobody's agency)."""
    return agency is not None and _leads(user, agency.pk)


@rules.predicate
def leads_the_actions_agency(user, action) -> bool:
    return action is not None and _leads(user, action.agency_id)


@rules.predicate
def leads_the_evidences_agency(user, evidence) -> bool:
    return evidence is not None and _leads(user, evidence.action.agency_id)


@rules.predicate
def requested_the_export(user, export) -> bool:
    return export is not None and user.is_authenticated and export.requester_id == user.pk


@rules.predicate
def uploaded_the_evidence(user, evidence) -> bool:
    return evidence is not None and evidence.uploaded_by_id == user.pk


@rules.predicate
def evidence_still_open(user, evidence) -> bool:
    """Neither withdrawn already nor accepted by the board."""
    return evidence is not None and not evidence.withdrawn and evidence.review_state != ACCEPTED


PERMISSIONS = {
    # Pages that show whatever is in the user's scope, however little: the dashboard, the review
    # register, the action list. An outsider (no role) may open them and sees nothing.
    "board.browse": is_signed_in,
    # Pages for people with any role on the board: requests, challenge events, and the detail
    # pages (whose scoped fetch has already answered 404 to anyone without the object in scope).
    "board.view": has_a_role,
    "board.see_audit": sees_whole_board,
    # Sign-ins, lockouts, refusals and downloads: the business manager's to watch.
    "board.see_security_log": is_manager,
    # Background work that failed (mail, renders): see it and retry it.
    "board.manage_tasks": is_manager,
    # Create and edit reviews, recommendations and actions; import plans.
    "reviews.manage_plan": is_manager,
    "actions.change_action": is_manager,
    "actions.add_progress": is_manager | leads_the_actions_agency,
    # Object: an agency (its extract) or None (the whole plan). A lead prints only their agencies' extract.
    "actions.print_plan": sees_whole_board | leads_the_agency,
    "assurance.see_lead_home": is_agency_lead,
    # Object: a PDF export of the action list (actions.ListExport): only whoever asked for it.
    "actions.download_list_export": requested_the_export,
    "assurance.upload_evidence": is_manager | leads_the_actions_agency,
    "assurance.download_evidence": sees_whole_board | leads_the_evidences_agency,
    # The manager, or the lead who uploaded it, while the board has not accepted it.
    "assurance.withdraw_evidence": evidence_still_open
    & (is_manager | (leads_the_evidences_agency & uploaded_the_evidence)),
    # Judgements, reviewing evidence, sending and chasing requests, challenge events.
    "assurance.judge": is_manager,
}


def register() -> None:
    """Add each named permission to rules' permission set; ReviewsConfig.ready calls this once."""
    for name, predicate in PERMISSIONS.items():
        if not rules.perm_exists(name):
            rules.add_perm(name, predicate)
