"""The security log page and the error pages."""

import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import ListView

from lscb import permissions
from lscb.security_filters import SecurityEventFilterSet
from lscb.security_models import SecurityEvent
from reviews.views import ForgivingPaginationMixin

RETRY_AFTER_SECONDS = 30  # PostgreSQL restarts in a few seconds; a failover takes longer


class SecurityLogView(ForgivingPaginationMixin, ListView):
    """Sign-ins, failures, lockouts, refusals and downloads, newest first, for the business manager."""

    template_name = "lscb/security_log.html"
    paginate_by = 50
    context_object_name = "events"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_see_security_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        self.filterset = SecurityEventFilterSet(self.request.GET or None, queryset=SecurityEvent.objects.all())
        if self.filterset.is_bound and not self.filterset.is_valid():
            # An invalid filter must never widen the list: show the errors and no events.
            return SecurityEvent.objects.none()
        return self.filterset.qs.select_related("user").order_by("-at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filterset=self.filterset, query=query.urlencode())
        return context


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
