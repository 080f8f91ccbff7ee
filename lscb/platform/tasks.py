"""Background work: tasks queued when the writer's transaction commits, retried with backoff.

Slow or external work (mail, large renders) never runs inside a web request or a database transaction
(DESIGN.md §13). A view or service writes its rows, then calls enqueue_on_commit(): the task is queued only
once those rows are committed, so the worker never looks for data it cannot see yet, and a rolled-back
change queues nothing. The worker (`manage.py db_worker`, started by `make run`) runs the queue.

A task that fails is tried again after a growing pause (retry_failed below), up to settings.LSCB_TASK_ATTEMPTS
attempts; after the last one it stays FAILED and the business manager sees it on the failed-tasks page.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

__all__ = ["PERSON_WAITING", "MAIL", "EXPORT", "BACKGROUND", "enqueue_on_commit", "retry_failed", "retry_now", "task"]

# The one worker takes the highest priority first (django-tasks-db orders on it, then on time queued):
# a print someone is waiting for on a "being prepared" page before mail, mail before a list export,
# and the plans printed speculatively after every change last, so a bulk change that re-prints every
# review never keeps a person waiting behind it.
PERSON_WAITING = 50
MAIL = 20
EXPORT = 10
BACKGROUND = -10


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits (at once outside one).

    Arguments must be JSON values (ids, dates as ISO strings), never model instances: the task reads the rows
    afresh when it runs."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=False)


def backoff(attempts: int) -> timedelta:
    """The pause before the next attempt: LSCB_TASK_BACKOFF_SECONDS, then four times longer each time
    (30 s, 2 min, 8 min, 32 min by default), so a mail server down for an hour is still reached."""
    return timedelta(seconds=settings.LSCB_TASK_BACKOFF_SECONDS * 4 ** max(attempts - 1, 0))


def retry_failed(sender, task_result, **kwargs) -> None:
    """task_finished receiver: put a failed database task back in the queue for later, keeping its last
    error, unless it has used all its attempts (each attempt records the worker's id in worker_ids)."""
    if task_result.status != TaskResultStatus.FAILED or not hasattr(task_result, "db_result"):
        return
    attempts = len(task_result.worker_ids)
    if attempts >= settings.LSCB_TASK_ATTEMPTS:
        return
    DBTaskResult.objects.filter(pk=task_result.id, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=timezone.now() + backoff(attempts), finished_at=None
    )


def retry_now(result: DBTaskResult) -> None:
    """The business manager's Retry: run the failed task again as soon as a worker is free, with a fresh
    round of attempts (worker_ids, which counts the attempts, starts again empty)."""
    DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=timezone.now(), finished_at=None, worker_ids=[]
    )
