"""The board dashboard (DESIGN.md §8 `/dashboard/`), and `/`, which leads to it."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from actions import scope
from lscb.board.dashboard import figures as dashboard
from lscb.board.dashboard import impact
from lscb.platform.permissions import PermissionRequiredMixin, may, permission_required
from reviews import roles
from reviews.boards import current_board
from reviews.filters import DEADLINES, ReviewFilterSet
from reviews.models import Agency


def root(request):
    """Where signing in lands (LOGIN_REDIRECT_URL): an agency lead with no whole-board role on their own work
    queue ("Your agency's actions"), everyone else on the dashboard's figures."""
    user = request.user
    if user.is_authenticated and roles.is_agency_lead(user) and not roles.sees_whole_board(user):
        return redirect("assurance:lead-home")
    return redirect("board:dashboard")


class DashboardView(PermissionRequiredMixin, TemplateView):
    """The board dashboard (DESIGN.md §8 `/dashboard/`), scoped to what the user may see."""

    permission = "board.browse"
    template_name = "board/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        board_id = current_board(self.request).pk if len(roles.scope_of(user).boards) > 1 else None
        context["roles"] = sorted(roles.role_names(user, [board_id] if board_id else None))
        review = self.request.GET.get("review", "").strip()
        context["board"] = board = dashboard.cached_build(user, review, board_id)
        context["perms_print"] = may(user, "actions.print_plan", None)
        if board.has_role and not board.error:
            context["figures"] = figures_html(board, context["perms_print"])
            context["overdue"] = impact.overdue_evaluations(user, board.review)
            context["overdue_shown"] = impact.SHOWN
        if board.has_role and may(user, "board.see_deadlines", current_board(self.request)):
            context["deadlines"] = deadline_figures(user, board_id)
        if may(user, "assurance.see_lead_home"):
            # The agencies led on the board in view: the figures above are that board's alone.
            led = roles.lead_agency_ids(user, [board_id] if board_id else None)
            context["led_agencies"] = list(Agency.objects.filter(pk__in=led).order_by("name"))
            context["lead_home_url"] = dashboard.lead_home_url(led)
        return context


def deadline_figures(user, board_id: int | None = None) -> list[dict]:
    """The "Reviews and deadlines" panel, in one query: each figure counts the review register's own filter, so
    the list its link opens holds exactly the reviews counted."""
    reviews = dashboard.in_view(scope.reviews_for(user), board_id)
    counts = reviews.aggregate(
        **{
            value: Count("pk", filter=Q(pk__in=ReviewFilterSet({"deadline": value}, queryset=reviews).qs.values("pk")))
            for value, _label in DEADLINES
        }
    )
    url = reverse("board:reviews")
    return [{"label": label, "count": counts[value], "url": f"{url}?deadline={value}"} for value, label in DEADLINES]


@require_GET
@permission_required("board.browse")
def print_stylesheet(request):
    """The dashboard's print stylesheet (templates/board/dashboard_print.css): the board's name and the
    protective marking in every printed page's margins, which only CSS can put there in Chromium."""
    seat = current_board(request, strict=False)  # the board in view's name and marking
    name, marking = (seat.name, seat.protective_marking) if seat else (settings.BOARD_NAME, settings.PROTECTIVE_MARKING)
    css = render_to_string(
        "board/dashboard_print.css", {"board_name": css_string(name), "marking": css_string(marking)}
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, private=True, max_age=300)
    return response


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: backslashes, quotes and line breaks escaped, nothing else special."""
    escaped = "".join(f"\\{ord(char):x} " if char in '\\"\n\r<>' else char for char in text)
    return f'"{escaped}"'


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
