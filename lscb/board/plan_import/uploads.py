"""Uploaded plan files waiting for the manager to confirm their preview.

The bytes previewed are the bytes imported: the upload is kept on the server
under MEDIA_ROOT/imports/ as `<user id>-<random token>` (mode 0600, never
served), and the session holds the token with its name, review and SHA-256.
Nothing the browser sends back can change what is imported. A user keeps at
most MAX_PENDING uploads however many sessions they sign in with.
"""

import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SESSION_KEY = "lscb_plan_imports"
MAX_PENDING = 5
STALE_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class PendingUpload:
    token: str
    file_name: str
    review_id: int
    sha256: str  # of the bytes previewed


def _directory() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def keep(session, user_id: int, review_id: int, content: bytes, file_name: str, sha256: str) -> PendingUpload:
    """Store the upload and remember it in the session; the oldest of too many pending uploads is dropped."""
    directory = _directory()
    _sweep(directory)
    token = secrets.token_hex(16)
    descriptor = os.open(_path(user_id, token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    pending = dict(session.get(SESSION_KEY, {}))
    pending[token] = {
        "file_name": file_name,
        "review": review_id,
        "sha256": sha256,
        "saved_at": time.time(),
        "owner": user_id,
    }
    for old in sorted(pending, key=lambda t: pending[t]["saved_at"])[:-MAX_PENDING]:
        _remove(_path(pending[old].get("owner"), old))
        del pending[old]
    session[SESSION_KEY] = pending
    _drop_oldest_of_user(directory, user_id, token)
    return PendingUpload(token, file_name, review_id, sha256)


def _drop_oldest_of_user(directory: Path, user_id: int, newest: str) -> None:
    """The limit is the user's, over all their sessions: a session whose file is gone sees its preview expire."""
    others = [path for path in directory.glob(f"{user_id}-*") if path.name != f"{user_id}-{newest}"]
    for path in sorted(others, key=_saved_at)[: max(len(others) - (MAX_PENDING - 1), 0)]:
        _remove(path)


def _saved_at(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _path(user_id: int | None, token: str) -> Path:
    return _directory() / f"{user_id}-{token}"


def load(session, review_id: int, token: str) -> tuple[PendingUpload, bytes] | None:
    """The pending upload and its bytes, if this session uploaded it for this review and it is still there."""
    entry = session.get(SESSION_KEY, {}).get(token)
    if not _TOKEN.match(token or "") or entry is None or entry.get("review") != review_id:
        return None
    if not isinstance(entry.get("owner"), int):
        return None
    try:
        content = _path(entry["owner"], token).read_bytes()
    except OSError:
        return None
    return PendingUpload(token, entry["file_name"], review_id, entry["sha256"]), content


def previewed(session, token: str, sha256: str) -> None:
    """A new preview of the upload was shown: its bytes are now the ones the user has seen."""
    pending = dict(session.get(SESSION_KEY, {}))
    if token in pending:
        pending[token] = {**pending[token], "sha256": sha256}
        session[SESSION_KEY] = pending


def discard(session, token: str) -> None:
    pending = dict(session.get(SESSION_KEY, {}))
    entry = pending.pop(token, None)
    if entry is not None and _TOKEN.match(token) and isinstance(entry.get("owner"), int):
        _remove(_path(entry["owner"], token))
    session[SESSION_KEY] = pending


def _sweep(directory: Path) -> None:
    """Uploads never confirmed are deleted after a day."""
    cutoff = time.time() - STALE_SECONDS
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
