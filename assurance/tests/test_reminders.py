"""send_reminders: one digest per lead per day, with the right contents, and --dry-run records nothing."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actions.choices import ActionStatus
from assurance import services
from assurance.models import ReminderDigest
from lscb.platform.values import long_date
from reviews.models import Review, refresh_milestones
from tests.factories import ActionFactory, RecommendationFactory
from tests.queue import run_queued_tasks, worked


def run(*args) -> str:
    """The daily command, then the worker that sends what it queued."""
    out = StringIO()
    with worked():
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def make_work(review, agency_a, agency_b):
    today = timezone.localdate()
    rec = RecommendationFactory(review=review, agency=agency_a, number="3.1")
    ActionFactory(recommendation=rec, description="Due soon", due_date=today + datetime.timedelta(days=10))
    ActionFactory(recommendation=rec, description="Overdue work", due_date=today - datetime.timedelta(days=3))
    ActionFactory(recommendation=rec, description="Far off", due_date=today + datetime.timedelta(days=40))
    ActionFactory(
        recommendation=rec,
        description="Done late",
        due_date=today - datetime.timedelta(days=3),
        status=ActionStatus.COMPLETED,
    )
    rec_b = RecommendationFactory(review=review, agency=agency_b, number="4.1")
    ActionFactory(recommendation=rec_b, description="Police overdue", due_date=today - datetime.timedelta(days=1))


def test_each_lead_gets_one_digest_of_their_own_agencies_once_a_day(
    world, manager, lead_a, lead_b, review, agency_a, agency_b
):
    make_work(review, agency_a, agency_b)
    services.review_evidence(world["evidence"], manager, decision="more_requested", note="Send the audit.")
    assert "Queued 2 reminder digest(s)" in run()
    by_to = {email.to[0]: email for email in mail.outbox}
    body_a = by_to["lead_a@example.org"].body
    assert "Due soon" in body_a and "Overdue work" in body_a and "Far off" not in body_a and "Done late" not in body_a
    assert "Visit template v2" in body_a and "Send the audit." in body_a
    assert "Assurance on 1.1" in body_a and "NO RESPONSE" in body_a
    assert "Police overdue" not in body_a
    # An email is prose: dates in full, as in a letter.
    assert f"(was due {long_date(timezone.localdate() - datetime.timedelta(days=3))})" in body_a
    assert "Police overdue" in by_to["lead_b@example.org"].body and "Due soon" not in by_to["lead_b@example.org"].body
    digest = ReminderDigest.objects.get(user=lead_a)
    assert digest.sent_on == timezone.localdate() and digest.counts == {
        "overdue": 1,
        "due": 1,
        "returned": 1,
        "requests": 1,
    }
    assert "Queued 0 reminder digest(s); 2 lead(s) already had today's." in run()
    assert len(mail.outbox) == 2 and ReminderDigest.objects.count() == 2


def test_dry_run_prints_and_records_nothing(world, lead_a):
    output = run("--dry-run")
    assert "To lead_a@example.org" in output and "Would send 1" in output
    assert mail.outbox == [] and ReminderDigest.objects.count() == 0


def test_a_lead_with_nothing_to_do_or_inactive_gets_nothing(lead_a, lead_b, action_a, action_b):
    lead_b.is_active = False
    lead_b.save()
    assert "Queued 0" in run()
    assert mail.outbox == []


def test_a_send_failure_keeps_the_digest_and_the_worker_sends_it_later(world, lead_a, monkeypatch):
    """The digest is recorded (one a day) and its email retried by the worker until the mail server answers."""

    def fail(*args, **kwargs):
        raise ConnectionRefusedError

    for review in Review.objects.all():
        refresh_milestones(review)  # counted already: the plan's print that queues is not this test's
    run_queued_tasks()
    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    assert "Queued 1" in run()
    digest = ReminderDigest.objects.get()
    (result,) = DBTaskResult.objects.all()
    assert (
        result.status == "READY" and result.run_after > timezone.now() and "ConnectionRefusedError" in result.traceback
    )
    monkeypatch.undo()
    assert "Queued 0" in run() and mail.outbox == []  # the same day: no second digest, the first still waits
    DBTaskResult.objects.update(run_after=timezone.now())  # the backoff has passed
    assert run_queued_tasks() == 1
    (email,) = mail.outbox
    assert email.to == ["lead_a@example.org"] and email.body == digest.body


@pytest.mark.parametrize("days", [-3, 0, 10, 20, 30])
def test_the_lead_home_page_and_the_reminder_email_list_the_same_actions(client, lead_a, review, agency_a, days):
    """One to-do list (Action.objects.to_do): an action the page says is due, the email says so too."""
    today = timezone.localdate()
    rec = RecommendationFactory(review=review, agency=agency_a, number="3.1")
    listed = ActionFactory(recommendation=rec, description="On the list", due_date=today + datetime.timedelta(days))
    ActionFactory(recommendation=rec, description="Beyond the window", due_date=today + datetime.timedelta(days=31))
    ActionFactory(recommendation=rec, description="Finished", due_date=today, status=ActionStatus.EMBEDDED)
    client.force_login(lead_a)
    sections = client.get(reverse("assurance:lead-home")).context["sections"]
    on_page = [action for section in sections for action in section["overdue"] + section["due"]]
    run()
    assert on_page == [listed]
    assert "On the list" in mail.outbox[0].body and "Beyond the window" not in mail.outbox[0].body
    assert "Finished" not in mail.outbox[0].body
