"""PDF exports of the action list, printed by the worker (DESIGN.md §13).

A PDF of thousands of actions takes tens of seconds to print: in a request it
held a web worker that long, and three at once took the service down. The
list's `?export=pdf` now records a ListExport (the validated filter's query
string and the requester) and queues `print_list_export`; the requester
watches a page that reloads itself until the PDF is ready, then downloads it.
The task re-runs the same FilterSet over the requester's own scope, so the PDF
holds exactly the rows the list showed them. Nobody else may see the export
(404: the fetch is scoped to the requester). CSV and XLSX stay streamed.
"""

from django.http import HttpRequest, QueryDict
from django.utils import timezone

from actions import plan
from actions.filters import ActionFilterSet
from actions.models import Action, ListExport
from lscb.platform.lists import filters_in_words
from lscb.platform.tasks import EXPORT, enqueue_on_commit, task
from reviews.boards import in_view

# Not part of the filter: which export, which page of the list.
NOT_FILTERS = ("export", "page")


def filter_query(data: QueryDict) -> str:
    """The list's filter as a query string, without the export's own parameters."""
    kept = data.copy()
    for name in NOT_FILTERS:
        kept.pop(name, None)
    return kept.urlencode()


def list_actions(user):
    """The action list's base queryset: the user's scope first, then what every row shows."""
    return Action.objects.for_user(user).select_related("recommendation__review", "agency")


def action_filterset(user, query: str) -> ActionFilterSet:
    """The list's FilterSet for this query string, over `user`'s scope, as the list page built it."""
    request = HttpRequest()
    request.user = user
    request.GET = QueryDict(query)
    return ActionFilterSet(request.GET, queryset=in_view(list_actions(user), request), request=request)


def filtered_actions(user, query: str):
    """The rows the list shows `user` for this filter (none when the filter is no longer valid)."""
    filterset = action_filterset(user, query)
    return filterset.qs if filterset.is_valid() else Action.objects.none()


def criteria_in_words(user, query: str) -> list[tuple[str, str]]:
    """What the printed list holds, in words: the review ("All reviews" when none is chosen) first, then
    every other filter applied and the order, as the list's form names them."""
    words = filters_in_words(action_filterset(user, query))
    if not any(label == "Review" for label, _ in words):
        words.insert(0, ("Review", "All reviews"))
    return words


def request_export(user, data: QueryDict) -> ListExport:
    """Record the export and queue its print once the record is committed."""
    export = ListExport.objects.create(requester=user, query=filter_query(data))
    enqueue_on_commit(print_list_export, export.pk)
    return export


@task(priority=EXPORT)
def print_list_export(export_id: int) -> int:
    """The worker prints the export as its requester would see it; the number of rows printed."""
    export = ListExport.objects.select_related("requester").filter(pk=export_id).first()
    if export is None or export.status != ListExport.Status.QUEUED:
        return 0
    try:
        actions = filtered_actions(export.requester, export.query)
        export.pdf = plan.render_action_list(
            actions, export.requester, criteria_in_words(export.requester, export.query)
        )
        export.rows = actions.count()
        export.status = ListExport.Status.READY
    except Exception:
        export.status = ListExport.Status.FAILED
        raise  # the failed task, with its error, is listed for the business manager
    finally:
        export.finished_at = timezone.now()
        export.save(update_fields=["pdf", "rows", "status", "finished_at"])
    return export.rows
