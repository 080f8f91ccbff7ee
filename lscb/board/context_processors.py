from django.conf import settings

from reviews import roles
from reviews.boards import current_board


def board(request):
    """The name and marking of the board in view appear on every page; someone on several boards
    gets the header's switcher. Signed out (and on no board), the deployment's first name."""
    user = getattr(request, "user", None)
    seats = roles.scope_of(user).boards if user is not None else ()
    if not seats:
        return {"board_name": settings.BOARD_NAME, "protective_marking": settings.PROTECTIVE_MARKING}
    seat = current_board(request, strict=False)
    return {
        "board_name": seat.name,
        "protective_marking": seat.protective_marking,
        "current_board": seat,
        "other_boards": [other for other in seats if other.pk != seat.pk],
    }
