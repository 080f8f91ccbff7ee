"""The printed action plan of a review, and one agency's extract (DESIGN.md §5)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from actions import plan as plan_pdf
from reviews import permissions
from reviews.models import Agency, Review


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
        if not (raw.isascii() and raw.isdigit()):  # isdigit() alone also passes "²", which int() refuses
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
