"""What each role may do (DESIGN.md §4), in one place.

Every view asks these questions on the server. Reading is scoped by each
model's `for_user()` queryset (an object outside it answers 404); these
functions answer the questions about *changing* things.

Like reviews.roles, this module imports no app models, so that views in every
layer can use it: objects are read by their agency id.
"""

from reviews import roles


def in_scope(user, agency_id: int | None) -> bool:
    """May the user see things belonging to this agency?"""
    if roles.sees_whole_board(user):
        return True
    return agency_id is not None and agency_id in roles.lead_agency_ids(user)


def leads(user, agency_id: int | None) -> bool:
    return agency_id is not None and agency_id in roles.lead_agency_ids(user)


def can_manage_plan(user) -> bool:
    """Create and edit reviews, recommendations and actions; change status; import plans."""
    return roles.is_manager(user)


def can_change_action(user, action) -> bool:
    return roles.is_manager(user)


def can_add_progress(user, action) -> bool:
    return roles.is_manager(user) or leads(user, action.agency_id)


def can_upload_evidence(user, action) -> bool:
    return roles.is_manager(user) or leads(user, action.agency_id)


def can_download_evidence(user, evidence) -> bool:
    return in_scope(user, evidence.action.agency_id) and bool(roles.role_names(user))


def can_withdraw_evidence(user, evidence) -> bool:
    return roles.is_manager(user) or (leads(user, evidence.action.agency_id) and evidence.uploaded_by_id == user.pk)


def can_judge_assurance(user) -> bool:
    """Record judgements, review evidence, send and chase requests, run challenge events."""
    return roles.is_manager(user)


def can_print_plan(user, agency_id: int | None = None) -> bool:
    """The whole plan for managers and chairs; a lead may print only their own agencies' extract."""
    if roles.sees_whole_board(user):
        return True
    return leads(user, agency_id)


def can_see_audit(user) -> bool:
    return roles.sees_whole_board(user)


def can_see_security_log(user) -> bool:
    """Sign-ins, lockouts, refusals and downloads: the business manager's to watch."""
    return roles.is_manager(user)
