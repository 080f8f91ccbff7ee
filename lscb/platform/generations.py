"""Generation counters: one number for each named body of data, bumped whenever that data changes.

A cache key that holds the generations of everything it was computed from is
told when to go stale: nothing has to guess from history dates. The board
bumps "review:<id>" for a change to anything printed from that review, and
"agencies" and "themes" for the board-wide lists (lscb.board.generations).

- `bump(names)` writes inside the current transaction: the new numbers commit
  with the change, are never seen before it, and a rollback (of the
  transaction or of a savepoint) takes them back. Within one transaction a
  name is bumped once however many rows change, until someone reads it.
- `read(names)` and `read_all()` are one query each; a name never bumped reads 0.
- `collected()` gathers the bumps of a bulk write and writes them in one query
  when it ends.

A name is created at a random number, not 1: a database emptied and refilled
(a test, `flush`) then never repeats numbers that a shared cache still holds.
Restoring a backup brings back numbers together with the data they named.
"""

import contextlib
import hashlib
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from lscb.platform.models import Generation


class _Bumped:
    """A do-nothing on_commit callback that marks names bumped in the current transaction.

    Django drops it when the savepoint or transaction it was registered in rolls
    back, together with the bump it marks, so the marks are exactly the bumps
    still pending.
    """

    def __init__(self, names: frozenset):
        self.names = names
        self.spent = False  # read since: a later change needs a new number

    def __call__(self):
        pass


def _marks(connection) -> list[_Bumped]:
    return [func for _sids, func, _robust in connection.run_on_commit if isinstance(func, _Bumped) and not func.spent]


def bump(names: Iterable[str]) -> None:
    """Give each name a new number, in the current transaction (or at once, in autocommit)."""
    names = set(names)
    if not names:
        return
    connection = transaction.get_connection()
    collecting = getattr(connection, "_generations_collecting", None)
    if collecting is not None:
        collecting.update(names)
        return
    if connection.in_atomic_block:
        names -= {name for mark in _marks(connection) for name in mark.names}
        if not names:
            return
        transaction.on_commit(_Bumped(frozenset(names)))
    _write(connection, sorted(names))  # sorted: concurrent writers lock rows in one order


def _write(connection, names: list[str]) -> None:
    """One upsert: new names start at a random number, known ones go up by one."""
    table = connection.ops.quote_name(Generation._meta.db_table)
    name, number = (
        connection.ops.quote_name(f.column) for f in (Generation._meta.pk, Generation._meta.get_field("number"))
    )
    rows = ", ".join(["(%s, %s)"] * len(names))
    params = [value for n in names for value in (n, secrets.randbits(48))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({name}, {number}) VALUES {rows} "
            f"ON CONFLICT ({name}) DO UPDATE SET {number} = {table}.{number} + 1",
            params,
        )


@contextlib.contextmanager
def collected():
    """Gather the bumps of a bulk write and write them once, in one query, when the block ends without error.

    Use inside the write's transaction: on an error nothing is bumped, and the transaction must roll back.
    """
    connection = transaction.get_connection()
    outer = getattr(connection, "_generations_collecting", None)
    if outer is not None:
        yield
        return
    connection._generations_collecting = names = set()
    try:
        yield
    finally:
        connection._generations_collecting = None
    bump(names)


def read(names: Iterable[str]) -> dict[str, int]:
    """The current number of each name (0 if never bumped), in one query."""
    names = list(names)
    return {name: 0 for name in names} | _read(Generation.objects.filter(name__in=names))


def read_all() -> dict[str, int]:
    """Every name's number, in one query."""
    return _read(Generation.objects.all())


def _read(queryset) -> dict[str, int]:
    connection = transaction.get_connection()
    for mark in _marks(connection):
        mark.spent = True  # these numbers may now be cached with the data as it is: bump again on a change
    return dict(queryset.values_list("name", "number"))


def files_digest(paths: Iterable[Path]) -> str:
    """A short digest of these files' bytes: a cache key's "code version", changed by any edit to them."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
