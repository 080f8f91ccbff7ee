"""What the board's import commands (import_plan, import_register) take from the command line: the file, within
the plan import's bounds; the board; and the user the history names (none: "the action tracker")."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from lscb.board.plan_import.reading import MAX_FILE_BYTES
from reviews.models import Board


def read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None


def board_named(slug: str | None) -> Board:
    """The board of that web address name, or the deployment's only board when none is given."""
    if slug:
        board = Board.objects.filter(slug=slug).first()
        if board is None:
            known = ", ".join(Board.objects.values_list("slug", flat=True))
            raise CommandError(f'There is no board "{slug}". The boards are: {known}.')
        return board
    boards = list(Board.objects.all()[:2])
    if len(boards) != 1:
        raise CommandError("This deployment has several boards: give --board SLUG.")
    return boards[0]


def user_named(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f'There is no user "{username}".')
    return user
