"""Changes made by nobody: imports, management commands and migrations write records without a user.

`import_plan` without --user, `send_reminders`, `seed_demo`, `restore` and data migrations leave
imported_by, author, recorded_by, sent_by, chased_by, uploaded_by and history_user empty. Every page,
email and export that shows who did something must still answer, and name the system instead.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ListExport
from assurance import emails
from assurance.models import Chase
from conftest import print_when_ready, run_queued_tasks
from lscb.board.tests.plan_import_support import DATA, SAMPLE_NAME
from lscb.platform.diff import display_user
from lscb.platform.locking import StaleEdit, check_history_marker, latest_history_id
from lscb.platform.security import EventKind, record_event
from reviews.models import PlanImport
from tests.factories import (
    AssuranceJudgementFactory,
    AssuranceRequestFactory,
    EvidenceFactory,
    ProgressUpdateFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_review_page_shows_a_plan_imported_from_the_command_line(client, manager, review):
    PlanImport.objects.create(review=review, imported_by=None, file_name="child-q.csv", sha256="0" * 64)
    body = _page(client, manager, reverse("board:review", args=[review.slug]))
    assert "child-q.csv" in body and "The action tracker" in body


def test_pages_of_a_review_imported_without_user(client, manager):
    """The whole path: `import_plan FILE --review SLUG` with no --user, then the pages it feeds."""
    review = ReviewFactory(slug="child-a", subject="Child A")
    call_command("import_plan", str(DATA / SAMPLE_NAME), "--review", "child-a", stdout=StringIO())
    judged = Action.objects.filter(judgements__isnull=False).first()
    _page(client, manager, reverse("board:review", args=[review.slug]))
    _page(client, manager, reverse("actions:detail", args=[judged.pk]))
    _page(client, manager, reverse("board:review-history", args=[review.slug]))
    _page(client, manager, reverse("board:audit"))


def test_plan_import_page_lists_an_earlier_import_from_the_command_line(client, manager, review):
    PlanImport.objects.create(review=review, imported_by=None, file_name="child-q.csv", sha256="0" * 64)
    body = _page(client, manager, reverse("board:plan-import", args=[review.slug]))
    assert "child-q.csv" in body


def test_action_page_shows_a_progress_update_written_by_the_system(client, manager, action_a):
    ProgressUpdateFactory(action=action_a, author=None, text="Imported progress note.")
    body = _page(client, manager, reverse("actions:detail", args=[action_a.pk]))
    assert "Imported progress note." in body


def test_action_page_shows_judgements_recorded_by_an_import(client, manager, action_a):
    """Each import that sets an assurance level records a judgement: the second one lists them all."""
    AssuranceJudgementFactory(action=action_a, recorded_by=None, statement="Assured by the first import.")
    AssuranceJudgementFactory(action=action_a, recorded_by=None, statement="Assured by the second import.")
    body = _page(client, manager, reverse("actions:detail", args=[action_a.pk]))
    assert "Assured by the first import." in body and "The action tracker" in body


def test_evidence_page_shows_evidence_nobody_uploaded_or_reviewed(client, manager, action_a):
    evidence = EvidenceFactory(action=action_a, uploaded_by=None, reviewed_by=None, reviewed_at=timezone.now())
    body = _page(client, manager, reverse("assurance:evidence-detail", args=[evidence.pk]))
    assert evidence.title in body


def test_request_page_shows_a_request_and_chase_made_by_the_system(client, manager, action_a, agency_a):
    request = AssuranceRequestFactory(agency=agency_a, sent_by=None, subject="Assurance on 1.1")
    request.actions.add(action_a)
    Chase.objects.create(request=request, chased_by=None, note="Second reminder.")
    body = _page(client, manager, reverse("assurance:request-detail", args=[request.pk]))
    assert "Second reminder." in body


def test_chase_email_from_the_system_is_signed_by_the_board(agency_a):
    request = AssuranceRequestFactory(agency=agency_a, sent_by=None)
    chase = Chase.objects.create(request=request, chased_by=None)
    body = emails.chase_email(request, chase).body
    assert body.rstrip().endswith(f"the action tracker\n{emails.settings.BOARD_NAME}")


def test_request_email_from_the_system_is_signed_by_the_board(agency_a, action_a):
    request = AssuranceRequestFactory(agency=agency_a, sent_by=None)
    body = emails.request_email(request, [action_a], None).body
    assert body.rstrip().endswith(f"the action tracker\n{emails.settings.BOARD_NAME}")


def _change_without_a_user(action: Action) -> None:
    action.description = "Changed by a migration."
    action._history_user = None
    action.save()


def test_action_history_shows_a_change_nobody_made(client, manager, action_a):
    _change_without_a_user(action_a)
    body = _page(client, manager, reverse("board:action-history", args=[action_a.pk]))
    assert "Changed by a migration." in body


def test_change_log_shows_a_change_nobody_made(client, manager, action_a):
    _change_without_a_user(action_a)
    body = _page(client, manager, reverse("board:audit"))
    assert "Changed by a migration." in body


def test_security_log_shows_an_event_without_a_user(client, manager, rf):
    record_event(rf.get("/accounts/login/"), EventKind.SIGN_IN_FAILED)
    _page(client, manager, reverse("board:security-log"))


def test_action_list_exports_work_with_system_made_changes(
    client, manager, action_a, django_capture_on_commit_callbacks
):
    _change_without_a_user(action_a)
    ProgressUpdateFactory(action=action_a, author=None)
    AssuranceJudgementFactory(action=action_a, recorded_by=None)
    client.force_login(manager)
    for export in ("csv", "xlsx"):
        response = client.get(reverse("actions:list"), {"export": export})
        assert response.status_code == 200, export
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("actions:list"), {"export": "pdf"})  # printed by the worker (DESIGN.md §13)
    assert run_queued_tasks() == 1
    export = ListExport.objects.get()
    assert export.status == ListExport.Status.READY and export.rows == Action.objects.count()


def test_printed_plan_of_an_imported_review(client, manager, action_a):
    PlanImport.objects.create(review=action_a.recommendation.review, file_name="child-q.csv", sha256="0" * 64)
    _change_without_a_user(action_a)
    client.force_login(manager)
    response = print_when_ready(client, reverse("actions:plan-pdf", args=[action_a.recommendation.review.slug]))
    assert response.status_code == 200


def test_a_stale_edit_names_the_system_for_a_change_nobody_made(action_a):
    """The lost-update message says who changed the action meanwhile: an import is nobody."""
    opened_at = latest_history_id(action_a)
    _change_without_a_user(action_a)
    with pytest.raises(StaleEdit) as refused:
        check_history_marker(Action.objects.get(pk=action_a.pk), opened_at, ["description"])
    (change,) = [change for change in refused.value.changes if change.after == "Changed by a migration."]
    assert change.by == display_user(None)
