"""The project's URLs plus views that only the header and error-page tests need."""

import io

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import FileResponse
from django.urls import path

from lscb.urls import handler500  # noqa: F401  (handler500 is looked up here)
from lscb.urls import urlpatterns as project_urlpatterns


def download(request):
    """Like an evidence download: a file streamed as an attachment."""
    return FileResponse(io.BytesIO(b"%PDF-1.4 fictional"), as_attachment=True, filename="audit.pdf")


def boom(request):
    raise RuntimeError("an unexpected failure with secret details: Child Q lives at 1 Example Road")


def database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def forbidden(request):
    raise PermissionDenied


def bad(request):
    raise SuspiciousOperation("a tampered request")


urlpatterns = [
    path("test/download/", download),
    path("test/boom/", boom),
    path("test/database-down/", database_down),
    path("test/forbidden/", forbidden),
    path("test/bad/", bad),
    *project_urlpatterns,
]
