"""The failed-tasks page: background work the worker gave up on, with its error and a Retry button.

For the business manager (README "Background work"). A task is listed here once it has failed
settings.LSCB_TASK_ATTEMPTS times (lscb.platform.tasks); tasks still being retried are listed beneath, so a
mail server that is down shows before anything is given up. Only a one-line error is shown: the traceback
stays in the database and the worker's log.
"""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import ListView
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lscb.platform.pagination import ForgivingPaginationMixin
from lscb.platform.permissions import PermissionRequiredMixin, may
from lscb.platform.tasks import retry_now

ERROR_LENGTH = 200


def error_line(result: DBTaskResult) -> str:
    """The exception's last line ("ConnectionRefusedError: [Errno 111] Connection refused"), shortened."""
    lines = [line.strip() for line in result.traceback.splitlines() if line.strip()]
    line = lines[-1] if lines else result.exception_class_path.rsplit(".", 1)[-1]
    return line if len(line) <= ERROR_LENGTH else line[: ERROR_LENGTH - 1] + "…"


def task_label(result: DBTaskResult) -> str:
    """The task's function name in words: send_request_email → "Send request email"."""
    return result.task_path.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def described(results) -> list[DBTaskResult]:
    for result in results:
        result.label, result.error, result.attempts = task_label(result), error_line(result), len(result.worker_ids)
    return results


class FailedTaskListView(PermissionRequiredMixin, ForgivingPaginationMixin, ListView):
    """Failed tasks, newest first, and the tasks waiting for another attempt."""

    permission = "board.manage_tasks"
    template_name = "board/failed_tasks.html"
    paginate_by = 50
    context_object_name = "failed"

    def get_queryset(self):
        return DBTaskResult.objects.failed().order_by("-finished_at", "-enqueued_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        retrying = DBTaskResult.objects.filter(status=TaskResultStatus.READY).exclude(traceback="")
        context.update(
            failed=described(context["failed"]), retrying=described(list(retrying.order_by("run_after")[:50]))
        )
        return context


class TaskRetryView(PermissionRequiredMixin, View):
    """POST: run a failed task again now. Only the business manager sees tasks at all (404 for anyone
    else, as for a record outside their scope); a task that is not failed answers 404 too."""

    permission = "board.manage_tasks"

    def get_permission_object(self):
        if not may(self.request.user, self.permission):
            raise Http404
        try:
            pk = uuid.UUID(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        try:
            return DBTaskResult.objects.failed().get(pk=pk)
        except DBTaskResult.DoesNotExist:
            raise Http404 from None

    def post(self, request, *args, **kwargs):
        retry_now(self.permission_object)
        messages.success(request, f"“{task_label(self.permission_object)}” will be tried again shortly.")
        return redirect("board:failed-tasks")
