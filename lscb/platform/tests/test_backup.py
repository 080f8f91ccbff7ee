"""Backup → restore into an empty database → the same counts, history rows and file checksums.

The round trip runs on whichever database the suite runs on (CI runs the suite on SQLite and on PostgreSQL):
on PostgreSQL it restores into a scratch database that the test creates and drops.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assurance.models import EvidenceFile
from lscb.platform import backup
from tests.factories import EvidenceFactory, ProgressUpdateFactory

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def board_with_files(transactional_db, settings, tmp_path, action_a, action_b, manager):
    """Committed rows (pg_dump reads from its own connection), history, and two evidence files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    for action, body in [(action_a, b"%PDF-1.4 fictional audit results\n"), (action_b, b"Fictional training record")]:
        ProgressUpdateFactory(action=action)
        action.progress = "Updated after the audit."
        action.save()
        evidence = EvidenceFactory(action=action, uploaded_by=manager)
        EvidenceFile.objects.create(
            evidence=evidence,
            file=ContentFile(body, name="upload.pdf"),
            original_name="audit.pdf",
            content_type="application/pdf",
            size=len(body),
            sha256=hashlib.sha256(body).hexdigest(),
        )
    return settings.MEDIA_ROOT


def live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return backup.table_counts(cursor, connection.introspection.table_names(cursor))


def media_checksums(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def manage(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LSCB_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url, MEDIA_ROOT=str(media_root))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.fixture
def empty_target(tmp_path):
    """A new, empty database of the suite's kind, and a function counting its rows; dropped afterwards."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def counts():
            with sqlite3.connect(path) as db:
                names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
                return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names if "sqlite_" not in n}

        yield f"sqlite:///{path}", counts
        return
    params = connection.settings_dict
    name = f"lscb_restore_{uuid.uuid4().hex[:10]}"
    conninfo = {"host": params["HOST"], "port": params["PORT"], "user": params["USER"], "password": params["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def counts():
        with psycopg.connect(dbname=name, **conninfo) as db:
            tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}

    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    yield f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT']}/{name}", counts
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_an_empty_database_gives_the_same_board(board_with_files, tmp_path, empty_target):
    folder = tmp_path / "backup"
    before = live_counts()
    call_command("backup", str(folder), stdout=open(os.devnull, "w"))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"] == before
    assert manifest["tables"]["actions_historicalaction"] >= 4 and manifest["tables"]["assurance_evidencefile"] == 2
    assert len([name for name in manifest["files"] if name.startswith("media/evidence/")]) == 2

    database_url, restored_counts = empty_target
    media = tmp_path / "restored-media"
    result = manage("restore", str(folder), database_url=database_url, media_root=media)
    assert result.returncode == 0, result.stderr
    assert "counts checked" in result.stdout
    assert restored_counts() == before
    assert media_checksums(media) == media_checksums(board_with_files)
    assert set(media_checksums(media).values()) == set(EvidenceFile.objects.values_list("sha256", flat=True))

    # Restoring again finds the database full and refuses, unless forced.
    again = manage("restore", str(folder), database_url=database_url, media_root=media)
    assert again.returncode != 0 and "empty database" in again.stderr
    forced = manage("restore", str(folder), "--force", database_url=database_url, media_root=media)
    assert forced.returncode == 0, forced.stderr
    assert restored_counts() == before


def test_restore_refuses_a_damaged_backup_before_touching_anything(board_with_files, tmp_path, empty_target):
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=open(os.devnull, "w"))
    damaged = next((folder / "media" / "evidence").rglob("*"))
    while damaged.is_dir():
        damaged = next(damaged.iterdir())
    damaged.write_bytes(damaged.read_bytes() + b"tampered")
    database_url, restored_counts = empty_target
    result = manage("restore", str(folder), database_url=database_url, media_root=tmp_path / "restored-media")
    assert result.returncode != 0
    assert "does not match its SHA-256 checksum" in result.stderr
    assert restored_counts() == {}
    assert not (tmp_path / "restored-media").exists()


def test_backup_refuses_a_folder_that_is_not_empty(board_with_files, tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "something.txt").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(folder))


def test_restore_refuses_a_folder_without_a_manifest(transactional_db, tmp_path):
    with pytest.raises(CommandError, match="no manifest.json"):
        call_command("restore", str(tmp_path))


def test_restore_refuses_the_live_non_empty_database(board_with_files, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=open(os.devnull, "w"))
    before = live_counts()
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(folder))
    assert live_counts() == before
