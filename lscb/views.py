"""Board-wide pages: the dashboard, the printed action plan, the health check."""

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from lscb import dashboard, permissions, plan_pdf, roles
from reviews.models import Agency, Review


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


class DashboardView(TemplateView):
    """The board dashboard (DESIGN.md §8 `/dashboard/`), scoped to what the user may see."""

    template_name = "lscb/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["roles"] = sorted(roles.role_names(user))
        context["board"] = board = dashboard.cached_build(user, self.request.GET.get("review", "").strip())
        context["perms_print"] = roles.sees_whole_board(user)
        if board.has_role and not board.error:
            context["figures"] = figures_html(board, context["perms_print"])
        if roles.is_agency_lead(user):
            context["led_agencies"] = list(Agency.objects.filter(pk__in=roles.lead_agency_ids(user)))
            context["lead_home_url"] = dashboard.lead_home_url(roles.lead_agency_ids(user))
        return context


def figures_html(board: dashboard.Dashboard, perms_print: bool) -> str:
    """The dashboard's tables and charts, rendered once for each set of figures: on a board of
    hundreds of reviews, drawing them costs more than counting them from the cache."""
    key = f"{board.cache_key}:html" if board.cache_key else None
    html = cache.get(key) if key else None
    if html is None:
        html = render_to_string("lscb/dashboard_figures.html", {"board": board, "perms_print": perms_print})
        if key:
            cache.set(key, html, dashboard.CACHE_SECONDS)
    return mark_safe(html)  # rendered by the template engine, escaped there


@require_GET
def printed_plan(request, slug: str):
    """The printed action plan (DESIGN.md §5); `?agency=<id>` gives one agency's extract.

    Out of scope (review or agency) answers 404; a lead asking for the whole
    plan, which they may not print, answers 403.
    """
    review = get_object_or_404(Review.objects.for_user(request.user), slug=slug)
    agency = None
    raw = request.GET.get("agency", "").strip()
    if raw:
        if not raw.isdigit():
            return HttpResponseBadRequest("The agency must be given by its number, for example ?agency=3.")
        agency = get_object_or_404(Agency.objects.for_user(request.user), pk=int(raw))
    if not permissions.can_print_plan(request.user, agency.pk if agency else None):
        raise PermissionDenied("Agency leads may print only their own agencies' extract.")
    pdf = plan_pdf.cached_plan(review, agency, request.user)
    if pdf is None:
        raise Http404("This agency has no actions in this review.")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{review.slug}-action-plan{'-' + slugify(agency.short_name or agency.name) if agency else ''}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
