"""Running the task queue inside a test, as `manage.py db_worker` does (lscb.platform.tasks, README
"Background work").

A test runs in one transaction that is never committed, so nothing queued with enqueue_on_commit() would
be queued. `with worked(): client.post(...)` commits what the block did, as the end of a request would, runs
every task that is due through django-tasks-db's own Worker.run_task: the same claim, run, record of
success or failure, and the same retry receiver as in production.
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS
from django.test import TestCase
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

TEST_WORKER = Worker(
    queue_names=["*"],
    interval=0,
    batch=True,
    backend_name="default",
    startup_delay=False,
    max_tasks=None,
    worker_id="test-worker",
    excluded_queue_names=[],
)


def run_queued_tasks(limit: int = 100) -> int:
    """Run every task that is due now, one at a time; a task put back for a later retry waits. Returns how
    many ran. (Worker.run() itself would close the test's database connection between tasks.)"""
    ran = 0
    while ran < limit and (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(TEST_WORKER.worker_id)
        TEST_WORKER.run_task(result)
        ran += 1
    return ran


@contextmanager
def worked(using: str = DEFAULT_DB_ALIAS):
    """Run the on-commit callbacks of the block (queueing its tasks) as its commit would, then the queue."""
    with TestCase.captureOnCommitCallbacks(using=using, execute=True):
        yield
    run_queued_tasks()
