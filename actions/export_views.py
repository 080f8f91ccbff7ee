"""The requester's page for a PDF export of the action list, and its download (actions/list_exports.py)."""

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from actions.models import ListExport
from lscb.platform.permissions import permission_required

REFRESH_SECONDS = 3


def own_export(request, pk: int, with_pdf: bool = False) -> ListExport:
    """The export, if this user asked for it: 404 for anyone else, so exports cannot be probed."""
    exports = ListExport.objects.filter(requester=request.user)
    return get_object_or_404(exports if with_pdf else exports.defer("pdf"), pk=pk)


def own_export_with_pdf(request, pk: int) -> ListExport:
    return own_export(request, pk, with_pdf=True)


@require_GET
@permission_required("actions.download_list_export", own_export)
def export_progress(request, export: ListExport, pk: int):
    """Being prepared (202, reloading itself), ready (a download link), or failed (say so)."""
    status = 202 if export.status == ListExport.Status.QUEUED else 200
    context = {"export": export, "refresh_seconds": REFRESH_SECONDS, "list_url": reverse("actions:list")}
    if export.query:
        context["list_url"] += "?" + export.query
    response = render(request, "actions/list_export.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@permission_required("actions.download_list_export", own_export_with_pdf)
def export_download(request, export: ListExport, pk: int):
    """The PDF, to its requester only; before it is ready, back to its progress page."""
    if export.status != ListExport.Status.READY:
        return HttpResponseRedirect(reverse("actions:export", args=[export.pk]))
    response = HttpResponse(bytes(export.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="actions-{export.requested_at:%Y-%m-%d-%H%M}.pdf"'
    patch_cache_control(response, private=True, no_store=True)
    return response
