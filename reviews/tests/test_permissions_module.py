"""Each named permission (reviews/permissions.py) for each persona, on agency A's and agency B's objects.

The permission matrix (tests/test_permission_matrix.py) checks what the pages answer; this pins the
decisions themselves, which the views, the templates' {% may %} and the navigation all ask.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured

from actions.models import ListExport
from assurance.models import Evidence
from lscb.platform.permissions import may
from reviews import permissions
from tests.factories import UserFactory

PERSONAS = ("manager", "chair", "lead_a", "lead_b", "outsider")

# (permission, object, who may: manager chair lead_a lead_b outsider)
TABLE = [
    ("board.browse", None, "1 1 1 1 1"),
    ("board.view", None, "1 1 1 1 0"),
    ("board.see_audit", None, "1 1 0 0 0"),
    ("board.see_deadlines", None, "1 1 0 0 0"),
    ("board.see_security_log", None, "1 0 0 0 0"),
    ("board.manage_tasks", None, "1 0 0 0 0"),
    ("reviews.manage_plan", None, "1 0 0 0 0"),
    ("actions.change_action", "action_a", "1 0 0 0 0"),
    ("actions.change_action", "action_b", "1 0 0 0 0"),
    ("actions.add_progress", "action_a", "1 0 1 0 0"),
    ("actions.add_progress", "action_b", "1 0 0 1 0"),
    ("actions.print_plan", None, "1 1 0 0 0"),
    ("actions.print_plan", "agency_a", "1 1 1 0 0"),
    ("actions.print_plan", "agency_b", "1 1 0 1 0"),
    ("assurance.see_lead_home", None, "0 0 1 1 0"),
    ("assurance.upload_evidence", "action_a", "1 0 1 0 0"),
    ("assurance.upload_evidence", "action_b", "1 0 0 1 0"),
    ("assurance.download_evidence", "evidence_a", "1 1 1 0 0"),
    ("assurance.download_evidence", "evidence_b", "1 1 0 1 0"),
    ("assurance.withdraw_evidence", "evidence_a", "1 0 1 0 0"),
    ("assurance.withdraw_evidence", "evidence_b", "1 0 0 1 0"),
    ("assurance.withdraw_evidence", "accepted_evidence_a", "0 0 0 0 0"),
    ("assurance.withdraw_evidence", "withdrawn_evidence_a", "0 0 0 0 0"),
    ("assurance.judge", "action_a", "1 0 0 0 0"),
    ("assurance.judge", "action_b", "1 0 0 0 0"),
    ("actions.download_list_export", "export_of_lead_a", "0 0 1 0 0"),
    ("actions.download_list_export", None, "0 0 0 0 0"),
    ("actions.evaluate_impact", None, "1 0 0 0 0"),
    ("reviews.manage_learning", None, "1 0 0 0 0"),
    ("reviews.confirm_cascade", "agency_a", "1 0 1 0 0"),
    ("reviews.confirm_cascade", "agency_b", "1 0 0 1 0"),
    ("board.annual_report", None, "1 1 0 0 0"),
    ("board.export_tracker", None, "1 1 0 0 0"),
    ("assurance.manage_meetings", None, "1 0 0 0 0"),
    ("assurance.see_meetings", None, "1 1 0 0 0"),
    ("board.print_meeting_pack", None, "1 1 0 0 0"),
]


@pytest.fixture
def objects(action_a, action_b, agency_a, agency_b, lead_a, lead_b):
    def evidence(action, uploader, **state):
        return Evidence.objects.create(action=action, title="Audit", uploaded_by=uploader, **state)

    return {
        None: None,
        "action_a": action_a,
        "action_b": action_b,
        # An agency's extract of a review's plan: (review, agency).
        "agency_a": (action_a.recommendation.review, agency_a),
        "agency_b": (action_a.recommendation.review, agency_b),
        "evidence_a": evidence(action_a, lead_a),
        "evidence_b": evidence(action_b, lead_b),
        "accepted_evidence_a": evidence(action_a, lead_a, review_state=Evidence.ReviewState.ACCEPTED),
        "withdrawn_evidence_a": evidence(action_a, lead_a, withdrawn=True),
        "export_of_lead_a": ListExport.objects.create(requester=lead_a),
    }


@pytest.mark.parametrize(("permission", "obj", "allowed"), TABLE, ids=[f"{p}-{o}" for p, o, _ in TABLE])
def test_each_named_permission_answers_each_persona_as_design_section_4_says(
    personas, objects, permission, obj, allowed
):
    expected = dict(zip(PERSONAS, (flag == "1" for flag in allowed.split()), strict=True))
    answered = {name: may(personas[name], permission, objects[obj]) for name in PERSONAS}
    assert answered == expected


def test_the_table_pins_every_registered_permission():
    assert {permission for permission, _, _ in TABLE} == set(permissions.PERMISSIONS)


def test_an_administrator_without_a_board_role_gains_no_permission(db, objects):
    """`user.has_perm` lets an active superuser through everything; the board's permissions do not. An
    administrator reads the whole deployment's security log (README "Boards and roles"), nothing more."""
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    granted = {permission for permission, obj, _ in TABLE if may(admin, permission, objects[obj])}
    assert granted == {"board.browse", "board.see_security_log"}


def test_a_deactivated_manager_may_do_nothing(manager, objects):
    manager.is_active = False
    assert not any(may(manager, permission, objects[obj]) for permission, obj, _ in TABLE)


def test_asking_for_a_permission_nobody_registered_is_an_error_not_a_refusal(manager):
    with pytest.raises(ImproperlyConfigured):
        may(manager, "actions.add_progres")
