"""Benchmark: one action's History page (100 entries) and the board's change log, against a floor.

Runs in throwaway databases only: a temporary SQLite file, and a PostgreSQL
database that this script creates and drops (never the user's data).

    python bench/history.py                      # SQLite, then PostgreSQL
    python bench/history.py --backend sqlite     # one of them
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/history.py --backend postgres

For each page it prints the median time through Django's test client, the
ratio to a floor view (the same template with constant entries and no
database access of its own), and the number of queries.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DB = "lscb_bench_history"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--board-actions", type=int, default=3000, help="other actions, each with history")
    args = parser.parse_args()
    if args.backend == "both":
        # Django's settings are fixed per process: one child process per database.
        for backend in ("sqlite", "postgres"):
            command = [sys.executable, __file__, "--backend", backend, "--runs", str(args.runs)]
            subprocess.run([*command, "--board-actions", str(args.board_actions)], check=True)
        return
    if args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{folder}/bench.sqlite3", "SQLite", args)
    else:
        with throwaway_postgres() as url:
            run(url, "PostgreSQL", args)


class throwaway_postgres:
    """Create a fresh database beside the server's `postgres` one and drop it afterwards."""

    def __enter__(self) -> str:
        import psycopg

        self.admin = psycopg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1), autocommit=True)
        self.admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        self.admin.execute(f"CREATE DATABASE {BENCH_DB}")
        return POSTGRES_URL.rsplit("/", 1)[0] + f"/{BENCH_DB}"

    def __exit__(self, *exc) -> None:
        from django.db import connections

        connections.close_all()
        self.admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        self.admin.close()


def run(database_url: str, name: str, args) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscb.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    action, manager, other_rows = build_board(args.board_actions)
    print(
        f"\n{name}: target action with {action.history.count()} action rows "
        f"+ {action.progress_updates.count()} progress updates; {other_rows} history rows on the board"
    )
    report(action, manager, args.runs)


def build_board(board_actions: int):
    """A fictional board: many actions created in bulk with history, and one action changed 100 times."""
    import datetime

    from common import first_board, give_role
    from django.contrib.auth import get_user_model
    from simple_history.utils import bulk_create_with_history

    from actions.models import Action, ProgressUpdate
    from lscb.platform.history import audited_history_models
    from reviews import roles
    from reviews.models import Agency, Recommendation, Review, natural_sort_key

    manager = get_user_model().objects.create_user("bench-manager", first_name="Morgan", last_name="Ellis")
    give_role(manager, roles.BUSINESS_MANAGER)
    agencies = bulk_create_with_history(
        [Agency(name=f"Agency {n}", short_name=f"A{n}") for n in range(20)], Agency, default_user=manager
    )
    reviews = bulk_create_with_history(
        [
            Review(board=first_board(), slug=f"review-{n}", subject=f"Child {n}", title=f"Child {n}: review")
            for n in range(50)
        ],
        Review,
        default_user=manager,
    )
    recommendations = bulk_create_with_history(
        [
            Recommendation(
                review=reviews[n % 50],
                agency=agencies[n % 20],
                number=f"{n // 50 + 1}.{n % 7 + 1}",
                sort_key=natural_sort_key(f"{n // 50 + 1}.{n % 7 + 1}"),
                text=f"Recommendation {n}.",
            )
            for n in range(350)
        ],
        Recommendation,
        default_user=manager,
    )
    due = datetime.date(2026, 3, 31)
    actions = bulk_create_with_history(
        [
            Action(
                recommendation=rec,
                review_id=rec.review_id,
                agency_id=rec.agency_id,
                description=f"Action {n}.",
                due_date=due,
            )
            for n, rec in enumerate(recommendations * (board_actions // len(recommendations) + 1))
        ][:board_actions],
        Action,
        default_user=manager,
    )
    bulk_create_with_history(
        [ProgressUpdate(action=a, text="Work is under way.", author=manager) for a in actions],
        ProgressUpdate,
        default_user=manager,
    )
    target = Action.objects.get(pk=actions[0].pk)
    for n in range(100):
        if n % 5 == 4:
            update = ProgressUpdate(action=target, text=f"Progress note {n}: audit of case files.", author=manager)
            update._history_user = manager
            update.save()
            continue
        target.status = ["in_progress", "completed", "evidenced", "on_hold"][n % 4]
        target.progress = f"Narrative after change {n}."
        target.due_date = due + datetime.timedelta(days=n)
        target._history_user = manager
        target.save()
    total = sum(model._default_manager.count() for model in audited_history_models())
    return target, manager, total


def report(action, manager, runs: int) -> None:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    # As Django's test runner does: keep one connection open rather than reconnecting per request,
    # as a production server with persistent connections would, so that the queries can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(manager)
    pages = {
        "action history (page 1; 100 changes + creations)": reverse("board:action-history", args=[action.pk]),
        "change log /audit/ (page 1)": reverse("board:audit"),
        "change log filtered (kind=action)": reverse("board:audit") + "?kind=actions.action&change=changed",
        "floor: history template, constant entries": "/bench-floor/history/",
        "floor: change log template, constant entries": "/bench-floor/audit/",
    }
    # Two-factor sign-in is off here as in the tests: force_login has no second factor, and the
    # check costs the same on every page, floors included.
    settings = {"ROOT_URLCONF": floor_urlconf(), "ALLOWED_HOSTS": ["testserver"], "LSCB_REQUIRE_2FA": False}
    with override_settings(**settings):
        counts = {}
        for label, url in pages.items():
            for _ in range(3):
                assert client.get(url).status_code == 200, url
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            # Read now: the next request resets the connection's query log.
            counts[label] = len(queries)
        # Round-robin over the pages, so that a busy machine slows them all alike.
        timings = {label: [] for label in pages}
        for _ in range(runs):
            for label, url in pages.items():
                start = time.perf_counter()
                client.get(url)
                timings[label].append(time.perf_counter() - start)
        results = {label: (statistics.median(timings[label]) * 1000, counts[label]) for label in pages}
    floors = {
        "history": results["floor: history template, constant entries"][0],
        "audit": results["floor: change log template, constant entries"][0],
    }
    print(f"{'page':48} {'median ms':>10} {'× floor':>8} {'queries':>8}")
    for label, (median, queries) in results.items():
        floor = floors["history"] if "history" in label else floors["audit"]
        print(f"{label:48} {median:10.1f} {median / floor:8.2f} {queries:8d}")


def floor_urlconf():
    """The project's URLs plus two floor views: the same templates, constant entries, no queries of their own."""
    import types

    from django.contrib.auth import get_user_model
    from django.core.paginator import Paginator
    from django.shortcuts import render
    from django.urls import path
    from django.utils import timezone

    from lscb.board.filters import AuditFilterSet
    from lscb.platform.diff import FieldChange
    from lscb.platform.history import HistoryEntry
    from lscb.platform.pagination import pagination_links
    from lscb.urls import urlpatterns

    now = timezone.now()
    entries = [
        HistoryEntry(
            history_id=n,
            when=now,
            user="Morgan Ellis",
            kind="changed",
            reason="",
            record_label="Action",
            record_name="6.4: Revise the home visit template.",
            record_url="/actions/1/",
            changes=[
                FieldChange("Status", "In progress", "Completed"),
                FieldChange("Action taken / progress", "Narrative before.", "Narrative after the change."),
                FieldChange("Due date", "31/03/2026", "30/04/2026"),
            ],
        )
        for n in range(25)
    ]
    page = Paginator(range(101), 25).get_page(1)

    def history_floor(request):
        context = {
            "entries": entries,
            "page_obj": page,
            "pagination": pagination_links(page, request.GET),
            "title": "History of action 6.4",
            "caption": "Child D: serious case review",
            "summary": "Revise the home visit template.",
            "breadcrumbs": [("Dashboard", "/dashboard/")],
        }
        return render(request, "board/history.html", context)

    def audit_floor(request):
        filterset = AuditFilterSet(request.GET)
        filterset.form.fields["user"].queryset = get_user_model().objects.none()
        filterset.is_valid()
        context = {
            "entries": entries,
            "page_obj": page,
            "pagination": pagination_links(page, request.GET),
            "filterset": filterset,
            "filtered": False,
        }
        return render(request, "board/audit.html", context)

    module = types.ModuleType("bench_floor_urls")
    module.urlpatterns = [
        *urlpatterns,
        path("bench-floor/history/", history_floor),
        path("bench-floor/audit/", audit_floor),
    ]
    sys.modules[module.__name__] = module
    return module.__name__


if __name__ == "__main__":
    main()
