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
from django.core.exceptions import ImproperlyConfigured

from reviews import roles

# Records of the whole deployment, no board's: the worker's failed tasks, a person's own list export.
# (An annual report pack is of one board: assurance.AnnualReport.board_ids.)
DEPLOYMENT_WIDE = frozenset({"django_tasks_database.dbtaskresult", "actions.listexport"})

# Evidence the board has accepted stays on the record: its lead can no longer withdraw it
# (assurance.models.Evidence.ReviewState.ACCEPTED, which this layer cannot import).
ACCEPTED = "accepted"


def boards_of(user, obj) -> frozenset[int] | None:
    """The boards an object belongs to (a joint review's lead and partner boards); None for no object,
    or a record of the whole deployment (a failed task), which asks about the user's roles on any board.

    Every other object must say its boards (`board_ids()`): a model that forgets is an error, never a
    permission granted on every board."""
    if isinstance(obj, tuple):  # a plan extract: (review, agency or None)
        obj = obj[0]
    if obj is None or getattr(getattr(obj, "_meta", None), "label_lower", None) in DEPLOYMENT_WIDE:
        return None
    if not hasattr(obj, "board_ids"):
        raise ImproperlyConfigured(f"{type(obj).__name__} does not say its boards (board_ids()).")
    scope = roles.scope_of(user)
    return obj.board_ids(scope.review_boards if scope is not roles.NOBODY else None)


def _agency_of(obj):
    return obj[1] if isinstance(obj, tuple) else obj


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def has_a_role(user) -> bool:
    return bool(roles.scope_of(user).roles)


@rules.predicate
def is_manager(user, obj=None) -> bool:
    """The business manager of (one of) the object's boards."""
    return roles.is_manager(user, boards_of(user, obj))


@rules.predicate
def is_chair(user, obj=None) -> bool:
    return roles.is_chair(user, boards_of(user, obj))


@rules.predicate
def is_agency_lead(user) -> bool:
    return roles.is_agency_lead(user)


@rules.predicate
def sees_whole_board(user, obj=None) -> bool:
    """Manager, chair or independent scrutineer of (one of) the object's boards."""
    return roles.sees_whole_board(user, boards_of(user, obj))


@rules.predicate
def is_administrator(user) -> bool:
    """A Django superuser: sees the whole deployment's security log, and nothing of any board for that."""
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def _leads(user, agency_id: int | None, obj) -> bool:
    return agency_id is not None and agency_id in roles.lead_agency_ids(user, boards_of(user, obj))


@rules.predicate
def leads_the_agency(user, extract) -> bool:
    """The extract's agency is one the user leads on the review's boards (None, the whole plan, is nobody's)."""
    agency = _agency_of(extract) if extract is not None else None
    return agency is not None and _leads(user, agency.pk, extract)


@rules.predicate
def leads_the_actions_agency(user, action) -> bool:
    return action is not None and _leads(user, action.agency_id, action)


@rules.predicate
def leads_the_evidences_agency(user, evidence) -> bool:
    return evidence is not None and _leads(user, evidence.action.agency_id, evidence)


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
    # Per board for its manager; the whole deployment's for an administrator.
    "board.see_security_log": is_manager | is_administrator,
    # Background work that failed (mail, renders): see it and retry it.
    "board.manage_tasks": is_manager,
    # Create and edit reviews, recommendations and actions; import plans.
    "reviews.manage_plan": is_manager,
    "actions.change_action": is_manager,
    "actions.add_progress": is_manager | leads_the_actions_agency,
    # Object: (review, agency) for an agency's extract, (review, None) for the whole plan, or None
    # (any plan in scope: the dashboard's print). A lead prints only their agencies' extract.
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
    # Impact evaluations of a recommendation or an action (DESIGN.md §11): the board's judgement.
    "actions.evaluate_impact": is_manager,
    # Learning activities (briefings, events, training) and their attendance.
    "reviews.manage_learning": is_manager,
    # Object: an agency. Its lead (or the manager) confirms a briefing was cascaded in that agency.
    "reviews.confirm_cascade": is_manager | leads_the_agency,
    # The annual report pack: the board's managers and chairs.
    "board.annual_report": sees_whole_board,
}


def register() -> None:
    """Add each named permission to rules' permission set; ReviewsConfig.ready calls this once."""
    for name, predicate in PERMISSIONS.items():
        if not rules.perm_exists(name):
            rules.add_perm(name, predicate)


# The statutory clocks (DESIGN.md §10): the dashboard's "Reviews and deadlines" panel.
PERMISSIONS["board.see_deadlines"] = sees_whole_board

# The NHS Case Review Tracker's fields of the review register, as CSV (lscb/board/tracker.py): the people who
# read the whole board (object: the board in view).
PERMISSIONS["board.export_tracker"] = sees_whole_board
# Subgroups and their meetings (issue 16): the business manager records them, the board reads them (a lead
# sees none). A meeting's pack prints what the plan prints, for the whole board: as printing the plan.
PERMISSIONS["assurance.manage_meetings"] = is_manager
PERMISSIONS["assurance.see_meetings"] = sees_whole_board
PERMISSIONS["board.print_meeting_pack"] = sees_whole_board
