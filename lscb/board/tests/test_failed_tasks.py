"""Retries with backoff, and the failed-tasks page (/tasks/failed/): what the worker gave up on, its error in
one line, and a Retry button that puts it back in the queue."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assurance import services
from assurance.models import AssuranceRequest
from conftest import client_for
from tests.factories import first_board
from tests.queue import run_queued_tasks, worked

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(manager, lead_a, action_a):
    """An assurance request to agency A, whose lead has an email address: something to chase by email."""
    request = AssuranceRequest.objects.create(
        board=first_board(),
        agency=action_a.agency,
        subject="Assurance on 1.1",
        due_on=timezone.localdate(),
        sent_by=manager,
    )
    request.actions.set([action_a])
    return {"request": request}


def refuse_mail(monkeypatch):
    def refused(*args, **kwargs):
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)


def chase(world, manager) -> None:
    with worked():
        services.record_chase(
            world["request"], manager, chased_on=timezone.localdate(), method="Email", note="Nudge.", email_leads=True
        )


def attempt_after_backoff() -> DBTaskResult:
    """Let the backoff pass, run the queue, and return the task as it is afterwards."""
    before = timezone.now()
    DBTaskResult.objects.filter(status="READY").update(run_after=before)
    assert run_queued_tasks() == 1
    return DBTaskResult.objects.get()


def test_a_failing_task_is_retried_later_each_time_then_listed_as_failed(world, manager, lead_a, monkeypatch, settings):
    settings.LSCB_TASK_ATTEMPTS, settings.LSCB_TASK_BACKOFF_SECONDS = 4, 30
    refuse_mail(monkeypatch)
    chase(world, manager)  # the first attempt, at once
    pauses = []
    task = DBTaskResult.objects.get()
    for _ in range(3):
        assert task.status == "READY"
        pauses.append(round((task.run_after - timezone.now()).total_seconds() / 30))
        task = attempt_after_backoff()
    assert pauses == [1, 4, 16]  # 30 s, 2 min, 8 min
    assert task.status == "FAILED" and len(task.worker_ids) == 4
    assert run_queued_tasks() == 0  # given up: nothing more until someone retries


def test_the_page_lists_the_failed_task_with_a_one_line_error_and_retry_sends_it(
    client, world, manager, lead_a, monkeypatch, settings
):
    settings.LSCB_TASK_ATTEMPTS = 1
    refuse_mail(monkeypatch)
    chase(world, manager)
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED" and "Traceback" in task.traceback
    page = client_for(client, manager).get(reverse("board:failed-tasks")).content.decode()
    assert "Send chase email" in page and "ConnectionRefusedError: [Errno 111] Connection refused" in page
    assert "Traceback" not in page and "assurance/tasks.py" not in page
    assert reverse("board:task-retry", args=[task.pk]) in page

    monkeypatch.undo()  # the mail server is back
    response = client.post(reverse("board:task-retry", args=[task.pk]), follow=True)
    assert "will be tried again shortly" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "READY" and task.worker_ids == []
    assert run_queued_tasks() == 1
    (email,) = mail.outbox
    assert "Reminder: Assurance on 1.1" in email.subject
    assert "No task has failed." in client.get(reverse("board:failed-tasks")).content.decode()


def test_tasks_being_retried_are_shown_before_they_fail(client, world, manager, lead_a, monkeypatch):
    refuse_mail(monkeypatch)
    chase(world, manager)
    page = client_for(client, manager).get(reverse("board:failed-tasks")).content.decode()
    assert "No task has failed." in page and "Being tried again" in page and "ConnectionRefusedError" in page


def test_only_a_failed_task_can_be_retried(client, world, manager, lead_a):
    chase(world, manager)  # sent: successful
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL"
    assert client_for(client, manager).post(reverse("board:task-retry", args=[task.pk])).status_code == 404
    assert client.post(reverse("board:task-retry", args=["not-a-uuid"])).status_code == 404
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


def test_the_navigation_links_the_page_for_the_manager_only(client, manager, chair):
    link = f'href="{reverse("board:failed-tasks")}"'
    assert link in client_for(client, manager).get(reverse("board:dashboard")).content.decode()
    assert link not in client_for(client, chair).get(reverse("board:dashboard")).content.decode()
