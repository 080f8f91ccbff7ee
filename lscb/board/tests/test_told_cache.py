"""The dashboard and the printed plan are told of every change: the very next request after a change
commits shows it, however it was made (a form's save, a management command, a bulk import, another
process), and a change that rolls back leaves the cache as good as it was."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from pypdf import PdfReader
from simple_history.utils import bulk_update_with_history

from actions.choices import ActionStatus
from actions.models import Action
from conftest import client_for, print_when_ready
from lscb.board.dashboard import figures as dashboard
from lscb.board.tests.plan_import_support import DATA, SAMPLE_NAME
from tests.factories import ReviewFactory


def served_total(client) -> int:
    """The whole-board total of actions on the dashboard as served (from the cache when it is there)."""
    response = client.get("/dashboard/")
    return response.context["board"].totals.total.count


def awaiting(client) -> int:
    return client.get("/dashboard/").context["board"].totals.awaiting_evidence.count


def plan_text(client, slug: str) -> str:
    content = print_when_ready(client, f"/reviews/{slug}/plan.pdf").content
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_an_import_by_management_command_shows_on_the_very_next_dashboard_and_plan(client, manager, action_a):
    client_for(client, manager)
    ReviewFactory(slug="child-a", subject="Child A")
    assert served_total(client) == 1 and served_total(client) == 1  # counted, then from the cache
    assert "Revise the visit recording template" not in plan_text(client, "child-a")
    call_command("import_plan", str(DATA / SAMPLE_NAME), "--review", "child-a", stdout=io.StringIO())
    assert served_total(client) == 16
    assert "Revise the visit recording template" in plan_text(client, "child-a")


def test_a_saved_change_and_a_bulk_change_show_on_the_very_next_request(client, manager, action_a, action_b):
    client_for(client, manager)
    assert awaiting(client) == 0
    action_a.status = ActionStatus.COMPLETED
    action_a.save()
    assert awaiting(client) == 1
    action_b.status = ActionStatus.COMPLETED
    bulk_update_with_history([action_b], Action, ["status"])  # no save(), no post_save: history rows only
    assert awaiting(client) == 2


def test_a_rolled_back_change_leaves_the_cached_dashboard_good(client, manager, action_a, monkeypatch):
    client_for(client, manager)
    assert awaiting(client) == 0
    with pytest.raises(RuntimeError), transaction.atomic():
        action_a.status = ActionStatus.COMPLETED
        action_a.save()
        assert awaiting(client) == 1  # inside the change's own transaction, it sees its own change
        raise RuntimeError("the change fails")
    counted = []
    monkeypatch.setattr(dashboard, "build", lambda *args: counted.append(args))
    assert awaiting(client) == 0 and counted == []  # served from the cache, as before the change


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_process_shows_on_the_very_next_request(client, manager, action_a):
    client_for(client, manager)
    assert awaiting(client) == 0 and awaiting(client) == 0

    def another_worker():
        try:
            action = Action.objects.get(pk=action_a.pk)  # its own connection, committing on its own
            action.status = ActionStatus.COMPLETED
            action.save()
        finally:
            connection.close()

    worker = threading.Thread(target=another_worker)
    worker.start()
    worker.join()
    assert awaiting(client) == 1


def test_every_tracked_model_signals_its_bulk_history_writes():
    """A model declared with simple-history's own HistoricalRecords would send nothing for a bulk write."""
    from django.apps import apps

    from lscb.platform.history_records import BulkSignallingHistoryManager

    tracked = [model for model in apps.get_models() if hasattr(model, "history") and hasattr(model, "_meta")]
    tracked = [model for model in tracked if getattr(model._meta, "simple_history_manager_attribute", None)]
    assert len(tracked) >= 10
    assert [m.__name__ for m in tracked if not isinstance(m.history, BulkSignallingHistoryManager)] == []
