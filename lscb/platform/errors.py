"""The error pages: lockout, server error and database outage (503)."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30  # PostgreSQL restarts in a few seconds; a failover takes longer


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page: identical for a known and an unknown username (429 Too Many Requests)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    """The 500 page touches neither the database nor the user: whatever broke may be the database itself.

    When it is the database (down, restarting, unreachable), the answer is 503 "service unavailable"
    with a time to try again: the request can succeed later, and nothing in it was saved.
    """
    context = {"board_name": settings.BOARD_NAME, "protective_marking": settings.PROTECTIVE_MARKING}
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template(template_name).render(context))
