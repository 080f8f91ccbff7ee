"""Plans ready before they are asked for (DESIGN.md §13): a change queues a print, a print serves the file."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from actions.models import Action
from actions.plan import ready
from conftest import client_for, run_queued_tasks
from lscb.settings import MEDIA_ROOT, STATIC_ROOT
from tests.factories import ActionFactory, RecommendationFactory


def queued_reviews() -> list:
    rows = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=ready.print_review.module_path)
    return sorted(row.args_kwargs["args"][0] for row in rows)


def test_a_committed_change_queues_one_print_of_its_review_and_a_burst_queues_it_once(
    review, agency_a, django_capture_on_commit_callbacks
):
    rec = RecommendationFactory(review=review, agency=agency_a, number="1.1")
    action = ActionFactory(recommendation=rec)
    DBTaskResult.objects.all().delete()
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            action.progress = f"Update {n}."
            action.save()
    assert queued_reviews() == [review.pk]


def test_a_change_that_rolls_back_queues_nothing(review, agency_a, django_capture_on_commit_callbacks):
    action = ActionFactory(recommendation=RecommendationFactory(review=review, agency=agency_a, number="1.1"))
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        action.progress = "Saved."
        action.save()
    assert queued_reviews() == [] and callbacks  # queued only when (if) the change commits
    callbacks[-1]()
    assert queued_reviews() == [review.pk]


def test_the_worker_prints_the_plan_and_every_extract_and_a_print_then_serves_the_file(
    client, manager, lead_a, review, agency_a, agency_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for agency, number in ((agency_a, "1.1"), (agency_b, "2.1")):
            ActionFactory(recommendation=RecommendationFactory(review=review, agency=agency, number=number))
    assert run_queued_tasks() >= 1
    files = sorted(path.name.split("-")[0] for path in ready.folder(review.pk).glob("*.pdf"))
    assert files == sorted([str(agency_a.pk), str(agency_b.pk), "all"])
    assert DBTaskResult.objects.count() == 0
    whole = client_for(client, manager).get(f"/reviews/{review.slug}/plan.pdf")
    extract = client_for(client, lead_a).get(f"/reviews/{review.slug}/plan.pdf?agency={agency_a.pk}")
    assert whole.status_code == extract.status_code == 200 and whole.content.startswith(b"%PDF")
    assert DBTaskResult.objects.count() == 0  # served from the files: nothing queued


def test_a_plan_not_ready_says_it_is_being_prepared_and_reloads_itself(client, manager, review, agency_a):
    ActionFactory(recommendation=RecommendationFactory(review=review, agency=agency_a, number="1.1"))
    DBTaskResult.objects.all().delete()
    response = client_for(client, manager).get(f"/reviews/{review.slug}/plan.pdf")
    html = response.content.decode()
    assert response.status_code == 202 and "no-store" in response["Cache-Control"]
    assert "action plan is being prepared" in html and "govuk-notification-banner" in html
    assert '<meta http-equiv="refresh" content="2">' in html and "<script>" not in html
    assert [row.task_path for row in DBTaskResult.objects.all()] == [ready.print_plan.module_path]


def test_a_stale_file_is_never_served(client, manager, review, agency_a):
    action = ActionFactory(recommendation=RecommendationFactory(review=review, agency=agency_a, number="1.1"))
    ready.print_review.call(review.pk)
    client_for(client, manager)
    assert client.get(f"/reviews/{review.slug}/plan.pdf").status_code == 200
    Action.objects.filter(pk=action.pk).update(progress="x")  # no history: the generations are not told
    assert client.get(f"/reviews/{review.slug}/plan.pdf").status_code == 200
    action.progress = "Told."
    action.save()
    assert client.get(f"/reviews/{review.slug}/plan.pdf").status_code == 202
    assert run_queued_tasks() == 1 and client.get(f"/reviews/{review.slug}/plan.pdf").status_code == 200


def test_a_second_print_of_unchanged_data_does_nothing(review, agency_a):
    ActionFactory(recommendation=RecommendationFactory(review=review, agency=agency_a, number="1.1"))
    assert ready.print_review.call(review.pk) == 2  # the whole plan and agency A's extract
    assert ready.print_review.call(review.pk) == 0


def test_ready_plans_are_kept_with_the_evidence_never_with_the_static_files():
    from lscb import settings as configured

    assert configured.READY_PLANS_ROOT.is_relative_to(MEDIA_ROOT)
    assert not configured.READY_PLANS_ROOT.is_relative_to(STATIC_ROOT)
    assert settings.MEDIA_URL not in ("", "/")


def test_a_print_someone_waits_for_is_taken_before_the_background_reprints(manager, action_a):
    """The worker takes the highest priority first: a bulk change's speculative re-prints never keep a
    person on the "being prepared" page waiting behind them."""
    from django_tasks_db.models import DBTaskResult

    from actions.plan import ready

    review = action_a.recommendation.review
    ready.print_review.enqueue(review.pk)
    ready.print_plan.enqueue(review.pk)
    first = DBTaskResult.objects.first()  # the model's own ordering is the worker's
    assert first.task_path.endswith("print_plan")


def test_just_after_midnight_the_nightly_command_has_todays_plans_printed_before_anyone_asks(
    client, manager, review, agency_a, monkeypatch
):
    """A plan is named by its date: at midnight yesterday's file no longer serves. `print_todays_plans`, run
    by cron after midnight, queues today's of every open review (once), so the first to ask gets the file."""
    from django.core.management import call_command

    from reviews.models import Review
    from tests.factories import ReviewFactory

    ActionFactory(recommendation=RecommendationFactory(review=review, agency=agency_a, number="1.1"))
    closed = ReviewFactory(slug="child-closed", status=Review.Status.CLOSED)
    ActionFactory(recommendation=RecommendationFactory(review=closed, agency=agency_a, number="1.1"))
    run_queued_tasks()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(ready.timezone, "localdate", lambda: tomorrow)  # just after midnight
    assert client_for(client, manager).get(f"/reviews/{review.slug}/plan.pdf").status_code == 202  # without it
    DBTaskResult.objects.all().delete()
    call_command("print_todays_plans", stdout=open("/dev/null", "w"))
    call_command("print_todays_plans", stdout=open("/dev/null", "w"))  # a second run queues nothing more
    assert queued_reviews() == [review.pk]  # a closed review's plan is not reprinted every night
    assert run_queued_tasks() == 1
    assert client.get(f"/reviews/{review.slug}/plan.pdf").status_code == 200  # ready, not "being prepared"
