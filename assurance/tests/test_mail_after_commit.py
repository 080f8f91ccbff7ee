"""Mail after commit, against a real SMTP server on loopback (aiosmtpd) that is stopped and started.

With the mail server down, an assurance request is still recorded, the page says its email is queued, and
the worker sends it, plan extract attached, once the server is back. The extract is rendered by the worker,
never in the web request.
"""

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assurance.models import AssuranceRequest, Chase
from conftest import client_for
from tests.queue import run_queued_tasks, worked


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class MailServer:
    """A real SMTP server on a free loopback port, which the test can stop and start again."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail_server(settings):
    server = MailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    server.start()
    yield server
    server.stop()


@pytest.fixture
def renders(monkeypatch):
    """Count the plan extracts rendered, and where: the web request must render none."""
    rendered = []

    def fake_extract(review, agency, generated_by) -> bytes:
        rendered.append(review.slug)
        return b"%PDF-1.7 extract"

    monkeypatch.setattr("actions.plan.render_agency_extract", fake_extract)
    return rendered


def backoff_passes():
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_with_the_mail_server_down_the_request_is_kept_and_sent_when_it_returns(
    client, manager, lead_a, action_a, mail_server, renders
):
    mail_server.stop()
    url = reverse("assurance:request-create") + f"?agency={action_a.agency_id}"
    data = {"subject": "Q1 assurance", "message": "Please.", "due_on": "2999-01-01", "actions": [action_a.pk]}
    with worked():
        response = client_for(client, manager).post(url, data, follow=True)
        assert renders == []  # nothing heavy in the request
    assert response.status_code == 200
    assert "The email to lead_a@example.org is queued and will be sent shortly" in response.content.decode()
    request = AssuranceRequest.objects.get()
    assert request.emailed_to == "lead_a@example.org" and request.attachments == "child-q-csc-action-plan.pdf"
    (task,) = DBTaskResult.objects.all()
    assert task.status == "READY" and task.run_after > timezone.now() and len(task.worker_ids) == 1
    assert "ConnectionRefusedError" in task.exception_class_path + task.traceback
    assert mail_server.inbox.messages == []

    mail_server.start()
    backoff_passes()
    assert run_queued_tasks() == 1
    (message,) = mail_server.inbox.messages
    assert message["To"] == "lead_a@example.org" and "Q1 assurance" in message["Subject"]
    (attachment,) = [part for part in message.walk() if part.get_filename()]
    assert attachment.get_filename() == "child-q-csc-action-plan.pdf"
    assert attachment.get_payload(decode=True) == b"%PDF-1.7 extract"
    assert renders == ["child-q", "child-q"]  # by the worker, at each attempt
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2


def test_a_chaser_waits_for_the_mail_server_too(client, world, manager, lead_a, mail_server):
    mail_server.stop()
    url = reverse("assurance:request-chase", args=[world["request"].pk])
    data = {"chased_on": timezone.localdate().isoformat(), "method": "Email", "note": "Nudge.", "email_leads": "on"}
    with worked():
        response = client_for(client, manager).post(url, data, follow=True)
    assert "queued and will be sent shortly" in response.content.decode()
    assert Chase.objects.get().emailed_to == "lead_a@example.org" and mail_server.inbox.messages == []
    mail_server.start()
    backoff_passes()
    run_queued_tasks()
    (message,) = mail_server.inbox.messages
    assert "Reminder: Assurance on 1.1" in message["Subject"]


def test_a_rolled_back_request_queues_no_email(manager, lead_a, action_a, mail_server):
    """Queued on commit: a request whose transaction is rolled back leaves no task behind."""
    from django.db import transaction

    from assurance import services

    with worked(), pytest.raises(RuntimeError), transaction.atomic():
        services.send_request(
            action_a.review.board_id,
            action_a.agency,
            [action_a],
            manager,
            subject="S",
            message="",
            due_on=timezone.localdate(),
        )
        raise RuntimeError("the rest of the change failed")
    assert AssuranceRequest.objects.count() == 0 and DBTaskResult.objects.count() == 0
    assert mail_server.inbox.messages == []
