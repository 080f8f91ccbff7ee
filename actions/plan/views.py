"""The printed action plan of a review, and one agency's extract (DESIGN.md §5, §13)."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from actions import scope
from actions.plan import ready
from lscb.platform.permissions import permission_required
from reviews.models import Agency

REFRESH_SECONDS = 2


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
    plan, which they may not print, answers 403. The worker prints plans after
    each change (actions.plan.ready); a print not ready yet is queued and this
    answers 202 with a page that says so and reloads itself, holding no worker.
    """
    review, agency = review_and_agency
    found = ready.lookup(review, agency)
    if not found.found and ready.queue_plan(review, agency):
        found = ready.lookup(review, agency)  # an immediate backend has printed it already
    if found.empty:
        raise Http404("This agency has no actions in this review.")
    if found.refused:
        return render(request, "actions/too_large.html", {"review": review, "reason": found.refused}, status=422)
    if found.pdf is None:
        return preparing(request, f"{review.subject} action plan" + (f": extract for {agency.name}" if agency else ""))
    response = HttpResponse(found.pdf, content_type="application/pdf")
    name = f"{review.slug}-action-plan{'-' + slugify(agency.short_name or agency.name) if agency else ''}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def preparing(request, what: str):
    """The page a print not ready yet answers: 202, reloading every few seconds (no script: CSP is 'self')."""
    response = render(request, "actions/preparing.html", {"what": what, "refresh_seconds": REFRESH_SECONDS}, status=202)
    patch_cache_control(response, private=True, no_store=True)
    return response
