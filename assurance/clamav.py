"""An optional virus scan of each evidence file through clamd's INSTREAM command.

Off unless settings.LSCB_UPLOADS["CLAMAV_URL"] is set (README "Evidence
files"). When it is on, a file that is infected, or that cannot be scanned
because clamd is down, slow or refuses it, is refused: it is never stored.
Standard library only: clamd speaks a tiny protocol over a socket.
"""

import socket
import struct
from typing import IO
from urllib.parse import urlparse

from django.conf import settings

CHUNK = 64 * 1024


class ScanFailed(Exception):
    """clamd could not give a clean verdict."""


def scan_if_configured(name: str, upload: IO[bytes]) -> None:
    from assurance.uploads import UploadRefused

    url = settings.LSCB_UPLOADS.get("CLAMAV_URL")
    if not url:
        return
    try:
        verdict = scan(upload, url, settings.LSCB_UPLOADS.get("CLAMAV_TIMEOUT", 30))
    except (OSError, ScanFailed) as exc:
        raise UploadRefused(
            f"{name} could not be checked for viruses ({exc}), so it was not stored: try again later"
        ) from None
    if verdict != "OK":
        raise UploadRefused(f"{name} failed the virus check ({verdict}) and was not stored")


def scan(upload: IO[bytes], url: str, timeout: float) -> str:
    """Stream the file to clamd; return "OK" or the name of what clamd found."""
    with _connect(url, timeout) as sock:
        sock.sendall(b"zINSTREAM\0")
        upload.seek(0)
        for chunk in iter(lambda: upload.read(CHUNK), b""):
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        reply = _read_reply(sock)
    upload.seek(0)
    # "stream: OK", "stream: Eicar-Signature FOUND", or "INSTREAM size limit exceeded. ERROR"
    body = reply.partition(": ")[2] if reply.startswith("stream:") else reply
    if body == "OK":
        return "OK"
    if body.endswith(" FOUND"):
        return body.removesuffix(" FOUND")
    raise ScanFailed(f"clamd answered {reply!r}")


def _connect(url: str, timeout: float) -> socket.socket:
    parsed = urlparse(url)
    if parsed.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(parsed.path)
        return sock
    if parsed.scheme == "tcp" and parsed.hostname and parsed.port:
        return socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)
    raise ScanFailed(f"LSCB_CLAMAV_URL must be unix:///path or tcp://host:port, not {url!r}")


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0"):
        data = sock.recv(4096)
        if not data:
            break
        reply += data
        if len(reply) > 4096:
            break
    return reply.rstrip(b"\0").decode("utf-8", errors="replace").strip()
