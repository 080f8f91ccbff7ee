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
    review = get_object_or_404(scope.reviews_for(request.user).select_related("board"), slug=slug)
    raw = request.GET.get("agency", "").strip()
    if not raw:
        return review, None
    if not (raw.isascii() and raw.isdigit()):  # isdigit() alone also passes "²", which int() refuses
        return HttpResponseBadRequest("The agency must be given by its number, for example ?agency=3.")
    return review, get_object_or_404(Agency.objects.for_user(request.user), pk=int(raw))


@require_GET
@permission_required("actions.print_plan", plan_in_scope)
def printed_plan(request, review_and_agency, slug: str):
    """The printed action plan (DESIGN.md §5); `?agency=<id>` gives one agency's extract.

    Out of scope (review or agency) answers 404; a lead asking for the whole
    plan, which they may not print, answers 403. The worker prints plans after
    each change (actions.plan.ready); a print not ready yet is queued and this
    answers 202 with a page that says so and reloads itself, holding no worker.
    """
    return serve_ready(request, *review_and_agency, kind="pdf")


@require_GET
@permission_required("actions.print_plan", plan_in_scope)
def word_plan(request, review_and_agency, slug: str):
    """The printed plan in Word (`plan.docx`, `?agency=<id>` for an extract): the PDF's content, order and
    marking, for boards that edit and publish plans in Word. The same permissions and the same worker."""
    return serve_ready(request, *review_and_agency, kind="docx")


CONTENT_TYPES = {
    "pdf": ("application/pdf", "inline"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
}


def serve_ready(request, review, agency, *, kind: str):
    """The worker's ready file of this kind; else queue the print and say it is being prepared (202)."""
    found = ready.lookup(review, agency, kind)
    if not found.found and ready.queue_plan(review, agency):
        found = ready.lookup(review, agency, kind)  # an immediate backend has printed it already
    if found.empty:
        raise Http404("This agency has no actions in this review.")
    if found.content is None and found.refused:
        return render(request, "actions/too_large.html", {"review": review, "reason": found.refused}, status=422)
    if found.content is None:
        return preparing(request, f"{review.subject} action plan" + (f": extract for {agency.name}" if agency else ""))
    content_type, disposition = CONTENT_TYPES[kind]
    response = HttpResponse(found.content, content_type=content_type)
    name = f"{review.slug}-action-plan{'-' + slugify(agency.short_name or agency.name) if agency else ''}.{kind}"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def preparing(request, what: str):
    """The page a print not ready yet answers: 202, reloading every few seconds (no script: CSP is 'self')."""
    response = render(request, "actions/preparing.html", {"what": what, "refresh_seconds": REFRESH_SECONDS}, status=202)
    patch_cache_control(response, private=True, no_store=True)
    return response
