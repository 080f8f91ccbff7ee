import datetime
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Each test stores evidence in its own MEDIA_ROOT, so "nothing stored" can be checked on disk."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def evidence_data(**extra) -> dict:
    return {"title": "Supervision audit", "narrative": "All files seen.", "produced_on": "2026-01-15", **extra}


YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)
