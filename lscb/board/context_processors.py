from django.conf import settings


def board(request):
    """The board's name and marking appear on every page."""
    return {"board_name": settings.BOARD_NAME, "protective_marking": settings.PROTECTIVE_MARKING}
