"""Signed-in clients for each persona, and one request made inside a savepoint that is rolled back."""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.test import Client
from django.test.client import ClientHandler

from tests.permission_matrix.snapshot import board_snapshot, differences

_HANDLER: ClientHandler | None = None


def shared_handler() -> ClientHandler:
    """One request handler for every client: each new handler loads the middleware again, and
    whitenoise then walks every static file (about 0.1 s a client, most of a matrix row's time)."""
    global _HANDLER
    if _HANDLER is None:
        _HANDLER = ClientHandler(enforce_csrf_checks=False)
    return _HANDLER


def clients_for(personas: dict, raise_request_exception: bool = True) -> dict[str, Client]:
    """One client per persona, signed in once (force_login: django-axes refuses Client.login without a request)."""
    clients = {}
    for name, user in personas.items():
        client = Client(raise_request_exception=raise_request_exception)
        client.handler = shared_handler()
        if user is not None:
            client.force_login(user)
        clients[name] = client
    return clients


@contextmanager
def rolled_back():
    """Whatever happens inside is undone, so each request meets the same board (files on disk stay)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Outcome:
    status: int
    location: str
    changed: list[str]
    wrote: bool | None  # the case's own check of its write, when it has one and a write was expected
    error: str = ""
    page: str = ""  # the HTML or CSV answered, to look for another agency's records in it


def send(client: Client, method: str, url: str, data: dict | None = None):
    if method == "get":
        return client.get(url)
    return client.post(url, data or {})


def read(response) -> bytes:
    """The whole body; a streamed one (a CSV export, an evidence file) is read to the end, and so closed."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def observe(client: Client, method: str, url: str, data: dict | None, check=None) -> Outcome:
    """Make the request, see what it changed, then roll the change back."""
    with rolled_back():
        before = board_snapshot()
        try:
            response = send(client, method, url, data)
            body = read(response)  # inside the savepoint: a streamed export runs its queries now
        except Exception as error:  # reported with the rest of the matrix, not one at a time
            return Outcome(500, "", [], None, error=f"{type(error).__name__}: {error}")
        changed = differences(before, board_snapshot())
        wrote = check() if check is not None else None
    text = response.get("Content-Type", "").startswith(("text/html", "text/csv"))
    page = body.decode("utf-8-sig") if text else ""
    return Outcome(response.status_code, response.get("Location", ""), changed, wrote, page=page)
