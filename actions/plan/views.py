"""The printed action plan of a review, and one agency's extract (DESIGN.md §5)."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from actions import plan as plan_pdf
from actions import scope
from lscb.platform.permissions import permission_required
from reviews.models import Agency


def plan_in_scope(request, slug: str):
    """(review, agency or None for the whole plan), each through the user's scope (404 outside it)."""
    review = get_object_or_404(scope.reviews_for(request.user), slug=slug)
    raw = request.GET.get("agency", "").strip()
    if not raw:
        return review, None
    if not (raw.isascii() and raw.isdigit()):  # isdigit() alone also passes "²", which int() refuses
        return HttpResponseBadRequest("The agency must be given by its number, for example ?agency=3.")
    return review, get_object_or_404(Agency.objects.for_user(request.user), pk=int(raw))


@require_GET
@permission_required("actions.print_plan", plan_in_scope, of=lambda review_and_agency: review_and_agency[1])
def printed_plan(request, review_and_agency, slug: str):
    """The printed action plan (DESIGN.md §5); `?agency=<id>` gives one agency's extract.

    Out of scope (review or agency) answers 404; a lead asking for the whole
    plan, which they may not print, answers 403.
    """
    review, agency = review_and_agency
    pdf = plan_pdf.cached_plan(review, agency, request.user)
    if pdf is None:
        raise Http404("This agency has no actions in this review.")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{review.slug}-action-plan{'-' + slugify(agency.short_name or agency.name) if agency else ''}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
