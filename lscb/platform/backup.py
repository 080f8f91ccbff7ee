"""Backup and restore of the database and the evidence files (the `backup` and `restore` commands).

A backup folder holds:
- `database.dump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite, the online backup API);
- `media/`: a copy of every stored file (evidence);
- `manifest.json`: the SHA-256 of every file above and the row count of every table at the moment of the dump.

The database is dumped first, then the files are copied. Evidence files are never deleted, so every file the
dump refers to is in the copy (a file uploaded during the backup may be copied without its database row, which
is harmless).
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction

MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something about the backup or the target makes it unsafe to go on; nothing has been changed."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def table_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def pg_environment() -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore connection arguments for the default database; the password goes in the environment."""
    params = connection.settings_dict
    args = ["--dbname", params["NAME"]]
    if params.get("HOST"):
        args += ["--host", params["HOST"]]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return args, env


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


# --- Backup -------------------------------------------------------------------------------------------------------


def dump_database(folder: Path) -> tuple[str, dict[str, int]]:
    """Write a consistent dump into `folder`; return its file name and the row counts it holds."""
    if connection.vendor == "sqlite":
        return _dump_sqlite(folder)
    if connection.vendor == "postgresql":
        return _dump_postgresql(folder)
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}")


def _dump_sqlite(folder: Path) -> tuple[str, dict[str, int]]:
    target = folder / "database.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        tables = [row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = table_counts(cursor, [t for t in tables if not t.startswith("sqlite_")])
    finally:
        copy.close()
    return target.name, counts


def _dump_postgresql(folder: Path) -> tuple[str, dict[str, int]]:
    """pg_dump reads the snapshot this transaction exported, so the counts are those of the dump exactly."""
    target = folder / "database.dump"
    args, env = pg_environment()
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(target), *args], env)
        counts = table_counts(cursor, connection.introspection.table_names(cursor))
    return target.name, counts


def stored_files(directory: str = "") -> list[str]:
    """Every file in the default storage, as storage names (works for a filesystem or an S3 bucket)."""
    try:
        subdirs, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}/{name}" if directory else name for name in files]
    for sub in subdirs:
        names += stored_files(f"{directory}/{sub}" if directory else sub)
    return sorted(names)


def copy_media(folder: Path) -> list[str]:
    names = stored_files()
    for name in names:
        target = folder / MEDIA / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
    return names


def write_backup(folder: Path) -> dict:
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give a new folder for each backup")
    folder.mkdir(parents=True, exist_ok=True)
    database_file, counts = dump_database(folder)
    media = copy_media(folder)
    files = [database_file, *(f"{MEDIA}/{name}" for name in media)]
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "vendor": connection.vendor,
        "database_file": database_file,
        "tables": counts,
        "files": {name: sha256_of(folder / name) for name in files},
    }
    partial = folder / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    # The manifest appears last and whole: a folder without one is an unfinished backup.
    partial.rename(folder / MANIFEST)
    return manifest


# --- Restore ------------------------------------------------------------------------------------------------------


def read_verified_manifest(folder: Path) -> dict:
    """The manifest, after every file it lists has been checked against its SHA-256."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: it is not a finished backup") from None
    except ValueError as exc:
        raise BackupError(f"{folder / MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{MANIFEST} has format {manifest.get('format')!r}; this version reads {FORMAT_VERSION}")
    for name, expected in manifest["files"].items():
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()):
            raise BackupError(f"{MANIFEST} names a file outside the backup: {name}")
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if sha256_of(path) != expected:
            raise BackupError(f"{name} does not match its SHA-256 checksum: the backup is damaged")
    return manifest


def check_target_is_empty(force: bool) -> None:
    tables = connection.introspection.table_names()
    files = stored_files()
    if (tables or files) and not force:
        raise BackupError(
            f"The database has {len(tables)} tables and the media storage {len(files)} files. Restore into a new, "
            "empty database and media folder, or pass --force to replace what is there."
        )


def restore_database(folder: Path, manifest: dict, force: bool) -> None:
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"This backup is of a {manifest['vendor']} database; the target is {connection.vendor}")
    source = folder / manifest["database_file"]
    if connection.vendor == "sqlite":
        _restore_sqlite(source)
    else:
        args, env = pg_environment()
        clean = ["--clean", "--if-exists"] if force else []
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        run([*command, *clean, *args, str(source)], env)
    connection.close()


def _restore_sqlite(source: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db():
        raise BackupError("The target is an in-memory SQLite database; set DATABASE_URL to a file")
    connection.close()
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(name)
    try:
        backup.backup(target)
    finally:
        backup.close()
        target.close()


def restore_media(folder: Path, manifest: dict) -> int:
    prefix = f"{MEDIA}/"
    names = [name.removeprefix(prefix) for name in manifest["files"] if name.startswith(prefix)]
    for name in names:
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(folder / MEDIA / name, "rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}")
    return len(names)


def check_counts(manifest: dict) -> None:
    with connection.cursor() as cursor:
        counts = table_counts(cursor, list(manifest["tables"]))
    wrong = {t: (n, counts[t]) for t, n in manifest["tables"].items() if counts[t] != n}
    if wrong:
        raise BackupError(f"Restored row counts differ from the manifest (expected, found): {wrong}")
