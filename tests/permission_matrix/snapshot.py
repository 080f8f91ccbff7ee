"""Everything a request could change on the board: every row of the board's tables, and the files on disk.

Generalises lscb/tests/plan_import_support.database_snapshot (row counts) to
the rows themselves, so a refused request that *edits* a row is caught too.
"""

import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

# Every model of these apps, their history tables and many-to-many link tables included.
# lscb is left out on purpose: it holds the security bookkeeping (SecurityEvent, UserSession),
# which a refused request is *meant* to write (issue 7: "permission refusals are recorded").
# django_tasks_database: the task queue (a refused request must queue nothing, nor retry a failed task).
SNAPSHOT_APPS = ("reviews", "actions", "assurance", "auth", "django_tasks_database")


def snapshot_models() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in SNAPSHOT_APPS and model._meta.managed
    ]


def media_files(root: Path | None = None) -> dict[str, str]:
    root = Path(root or settings.MEDIA_ROOT)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def board_snapshot() -> dict:
    """{model label: every row, in pk order} plus {"media": {path: sha256}}.

    Plain SQL on one cursor: the ORM's per-query cost made the snapshot twenty times slower than
    the rows themselves, and the matrix takes one after every request.
    """
    quote = connection.ops.quote_name
    state = {}
    with connection.cursor() as cursor:
        for model in snapshot_models():
            meta = model._meta
            cursor.execute(f"SELECT * FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}")
            state[meta.label] = cursor.fetchall()
    state["media"] = media_files()
    return state


def differences(before: dict, after: dict) -> list[str]:
    """What changed, in words short enough for a failure message."""
    changed = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            old_n, new_n = len(old or ()), len(new or ())
            changed.append(f"{key} ({old_n} → {new_n} rows)" if key != "media" else f"media ({old_n} → {new_n})")
    return changed
