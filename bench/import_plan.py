"""Benchmark: import a fictional 1,000-row action plan (300 recommendations) on the configured database.

    python bench/import_plan.py                 # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lscb python bench/import_plan.py

It never touches your data: Django's test-database machinery creates a
throwaway database (a temporary SQLite file, or a PostgreSQL database named
lscb_bench_<pid>), migrates it, and drops it at the end. Prints seconds and
queries per row for a first import, a re-import of the same file (a no-op),
and a re-import with 100 changed cells. The goal is under 5 s for the first.
"""

import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscb.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

from actions.choices import ActionStatus, AssuranceLevel  # noqa: E402
from lscb.board.plan_import.service import import_plan  # noqa: E402
from reviews.models import Review  # noqa: E402

RECOMMENDATIONS = 300
ROWS = 1000
AGENCIES = [f"Fictional agency {n}" for n in range(1, 13)]
THEMES = ["Information sharing", "Record keeping", "Supervision", "Voice of the child", "Escalation of concerns"]
HEADER = ["Agency", "Number", "Recommendation", "Action", "Lead", "Due date", "Status", "Progress"]
HEADER += ["Assurance", "Assurance level", "Themes"]


def fictional_plan(changed_statuses: int = 0) -> bytes:
    """1,000 rows: 300 recommendations, 100 of them with four actions and 200 with three."""
    statuses, levels = list(ActionStatus), list(AssuranceLevel)
    rows, row = [HEADER], 0
    for n in range(RECOMMENDATIONS):
        number = f"{n // 10 + 1}.{n % 10 + 1}"
        agency = AGENCIES[n % len(AGENCIES)]
        for k in range(4 if n < ROWS - 3 * RECOMMENDATIONS else 3):
            status = statuses[(n + k) % len(statuses)]
            if row < changed_statuses:
                status = ActionStatus.EMBEDDED if status != ActionStatus.EMBEDDED else ActionStatus.COMPLETED
            level = levels[(n * 3 + k) % len(levels)]
            rows.append(
                [
                    agency,
                    number,
                    f"{agency} should act on finding {number}, with a measurable outcome." if k == 0 else "",
                ]
                + [f"Action {k + 1} for {number}: review, train, audit and report.", "Head of Safeguarding"]
                + [f"{(n % 28) + 1:02d}/{(k * 3 + n) % 12 + 1:02d}/2027", status.label]
                + [f'Progress narrative for {number}/{k + 1}, with commas, and "quotes".\nSecond line.']
                + ["The board has been assured by the audit." if level == AssuranceLevel.ASSURED else "", level.label]
                + [";".join(THEMES[(n + i) % len(THEMES)] for i in range(k % 3 + 1))]
            )
            row += 1
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def timed(label: str, review: Review, content: bytes, user) -> None:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = import_plan(review, content, "bench-plan.csv", user)
        seconds = time.perf_counter() - started
    counts = result.changes.counts()["actions"]
    print(
        f"{label:<32} {seconds:6.2f} s  {len(queries):4d} queries  {len(queries) / ROWS:.3f} queries/row  "
        f"actions created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}"
    )


def main() -> None:
    settings_dict = connection.settings_dict
    scratch = tempfile.TemporaryDirectory()
    if connection.vendor == "sqlite":
        settings_dict["TEST"]["NAME"] = str(Path(scratch.name) / "bench.sqlite3")
    else:
        settings_dict["TEST"]["NAME"] = f"lscb_bench_{os.getpid()}"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        print(f"Database: {connection.vendor} (throwaway: {connection.settings_dict['NAME']}); load average {load}")
        user = get_user_model().objects.create(username="bench-manager")
        review = Review.objects.create(slug="bench", title="Bench: fictional review", subject="Child Z")
        first, changed = fictional_plan(), fictional_plan(changed_statuses=100)
        timed("first import (1,000 rows)", review, first, user)
        timed("same file again (no-op)", review, first, user)
        timed("100 cells changed", review, changed, user)
    finally:
        teardown_databases(old_config, verbosity=0)
        scratch.cleanup()


if __name__ == "__main__":
    main()
