"""Board-wide pages: the home page, health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from lscb import roles


def root(request):
    return redirect("home")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 "ok" when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


class HomeView(TemplateView):
    template_name = "lscb/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["roles"] = sorted(roles.role_names(user))
        context["led_agencies"] = list(user.led_agencies.all()) if roles.is_agency_lead(user) else []
        return context
