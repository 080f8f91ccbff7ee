"""The board dashboard (DESIGN.md §8 `/dashboard/`), and `/`, which leads to it."""

from django.core.cache import cache
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from lscb.board.dashboard import figures as dashboard
from lscb.platform.permissions import PermissionRequiredMixin, may
from reviews import roles
from reviews.models import Agency


def root(request):
    return redirect("board:dashboard")


class DashboardView(PermissionRequiredMixin, TemplateView):
    """The board dashboard (DESIGN.md §8 `/dashboard/`), scoped to what the user may see."""

    permission = "board.browse"
    template_name = "board/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["roles"] = sorted(roles.role_names(user))
        context["board"] = board = dashboard.cached_build(user, self.request.GET.get("review", "").strip())
        context["perms_print"] = may(user, "actions.print_plan", None)
        if board.has_role and not board.error:
            context["figures"] = figures_html(board, context["perms_print"])
        if may(user, "assurance.see_lead_home"):
            context["led_agencies"] = list(Agency.objects.filter(pk__in=roles.lead_agency_ids(user)))
            context["lead_home_url"] = dashboard.lead_home_url(roles.lead_agency_ids(user))
        return context


def figures_html(board: dashboard.Dashboard, perms_print: bool) -> str:
    """The dashboard's tables and charts, rendered once for each set of figures: on a board of
    hundreds of reviews, drawing them costs more than counting them from the cache."""
    key = f"{board.cache_key}:html" if board.cache_key else None
    html = cache.get(key) if key else None
    if html is None:
        html = render_to_string("board/dashboard_figures.html", {"board": board, "perms_print": perms_print})
        if key:
            cache.set(key, html, dashboard.CACHE_SECONDS)
    return mark_safe(html)  # rendered by the template engine, escaped there
