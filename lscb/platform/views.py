"""The platform's own pages: the health check that load balancers ask, and the user guide."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lscb.platform import guide


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For load balancers (GET or HEAD, over HTTP too): 200 "ok" when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_safe
def user_guide(request, page: str = ""):
    """The user guide (docs/user-guide.md and the pages it links), linked from every page's footer: where the
    deployment publishes it (LSCB_USER_GUIDE_URL, e.g. its intranet), else rendered here with its pictures.
    Product help, no board's information, so open before signing in too."""
    if settings.LSCB_USER_GUIDE_URL:
        return HttpResponseRedirect(settings.LSCB_USER_GUIDE_URL)
    rendered = guide.render(page)
    if rendered is None:
        raise Http404("The user guide has no such page.")
    title, html = rendered
    return render(request, "guide/page.html", {"title": title, "html": html})


@login_not_required
@require_safe
def guide_picture(request, name: str):
    """A picture of the user guide (docs/guide/img), taken by the browser tests."""
    path = guide.picture_path(name)
    if path is None:
        raise Http404("The user guide has no such picture.")
    return FileResponse(path.open("rb"), content_type="image/png")
