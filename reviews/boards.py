"""The board a person is looking at (DESIGN.md §9): chosen with the header's switcher or `?board=<slug>`,
remembered in the session.

Ids are global, so a page of one object answers for whatever is in the person's scope, whichever
board they are looking at; lists, the dashboard and the printed papers show the board in view. The
page of a record of another of the person's boards is shown under its own board, which becomes the
board in view: its name and protective marking head the page, as they head the record's emails and
papers. A person on one board never sees the switcher and their lists are not filtered further
(their scope is that board already).
"""

from django.http import Http404

from reviews import roles
from reviews.permissions import boards_of

SESSION_KEY = "lscb_board"


def current_board(request, strict: bool = True) -> roles.BoardSeat | None:
    """The board in view: `?board=<slug>` (404 for a board the person is not on, unless not `strict`:
    the page header, which may be drawing that very 404), else the session's, else the first of their
    boards by name. None for someone on no board."""
    cached = getattr(request, "_lscb_board", False)
    if cached is not False:
        return cached
    seats = roles.scope_of(request.user).boards
    board = None
    if seats:
        wanted = request.GET.get("board")
        if wanted:
            board = next((seat for seat in seats if seat.slug == wanted), None)
            if board is None:
                if strict:
                    raise Http404("No such board among yours.")
                return seats[0]
            if hasattr(request, "session"):  # a worker's print has the board in its query, and no session
                request.session[SESSION_KEY] = board.pk
        else:
            chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
            board = next((seat for seat in seats if seat.pk == chosen), None) or first_choice(request.user, seats)
        records = records_board(request, seats, board)
        if records is not board:
            board = records
            if hasattr(request, "session"):  # the lists after it show the board of the record just read
                request.session[SESSION_KEY] = board.pk
    request._lscb_board = board
    return board


def records_board(request, seats, board: roles.BoardSeat) -> roles.BoardSeat:
    """On the page of a record (PermissionRequiredMixin's `page_object`), the record's board: the board
    in view if the record is of it (a joint review is of its lead and partner boards), else the first of
    the person's boards the record is of. Their scope lets them read only records of their boards."""
    record = getattr(request, "page_object", None)
    if len(seats) == 1:  # their scope shows them records of their one board only: no query needed
        return board
    record_boards = boards_of(request.user, record) if record is not None else None
    if not record_boards or board.pk in record_boards:
        return board
    return next((seat for seat in seats if seat.pk in record_boards), board)


def first_choice(user, seats) -> roles.BoardSeat:
    """Before any choice: the first board they manage, else the first by name (a manager who chairs
    another board lands where their day's work is)."""
    managed = roles.scope_of(user).boards_with(roles.MANAGER)
    return next((seat for seat in seats if seat.pk in managed), seats[0])


def several(request) -> bool:
    """Whether the person is on more than one board (their lists are then narrowed to the board in view).
    A `?board=` that is not theirs answers 404 here too, as it does to current_board: someone on one board
    is never narrowed, but the address must not seem to show a board they are not on."""
    if request.GET.get("board"):
        current_board(request)
    return len(roles.scope_of(request.user).boards) > 1


def in_view(queryset, request):
    """A scoped queryset narrowed to the board in view, for someone on several boards."""
    board_ids = in_view_ids(request)
    return queryset if board_ids is None else queryset.on_boards(board_ids)


def in_view_ids(request) -> frozenset[int] | None:
    """The board in view, as the boards a scope is narrowed to; None (all theirs) for someone on one board."""
    return frozenset({current_board(request).pk}) if several(request) else None


def with_board(request, data):
    """A list's query, naming the board in view for someone on several boards (a print made later,
    by the worker, without the session, shows the same rows)."""
    if not several(request):
        return data
    data = data.copy()
    data["board"] = current_board(request).slug
    return data
