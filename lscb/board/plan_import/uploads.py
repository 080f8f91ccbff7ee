"""Uploaded plan files waiting for the manager to confirm their preview.

The bytes previewed are the bytes imported: the upload is kept on the server
under MEDIA_ROOT/imports/ with a random name (mode 0600, never served), and
the session holds a token for it with its name, review and SHA-256. Nothing
the browser sends back can change what is imported.
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


def keep(session, review_id: int, content: bytes, file_name: str, sha256: str) -> PendingUpload:
    """Store the upload and remember it in the session; the oldest of too many pending uploads is dropped."""
    directory = _directory()
    _sweep(directory)
    token = secrets.token_hex(16)
    descriptor = os.open(directory / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    pending = dict(session.get(SESSION_KEY, {}))
    pending[token] = {"file_name": file_name, "review": review_id, "sha256": sha256, "saved_at": time.time()}
    for old in sorted(pending, key=lambda t: pending[t]["saved_at"])[:-MAX_PENDING]:
        _remove(directory / old)
        del pending[old]
    session[SESSION_KEY] = pending
    return PendingUpload(token, file_name, review_id, sha256)


def load(session, review_id: int, token: str) -> tuple[PendingUpload, bytes] | None:
    """The pending upload and its bytes, if this session uploaded it for this review and it is still there."""
    entry = session.get(SESSION_KEY, {}).get(token)
    if not _TOKEN.match(token or "") or entry is None or entry.get("review") != review_id:
        return None
    try:
        content = (_directory() / token).read_bytes()
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
    if pending.pop(token, None) is not None and _TOKEN.match(token):
        _remove(_directory() / token)
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
