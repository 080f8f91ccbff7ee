"""The URL wiring: each app owns its paths (DESIGN.md §8). Order matters where paths overlap:
reviews' /reviews/new/ comes before the board's /reviews/<slug>/."""

from django.contrib import admin
from django.urls import include, path

handler500 = "lscb.platform.errors.server_error"

urlpatterns = [
    path("", include("lscb.platform.urls")),
    path("", include("reviews.urls")),
    path("", include("actions.urls")),
    path("", include("assurance.urls")),
    path("", include("lscb.board.urls")),
    path("api/", include("lscb.board.api.urls")),
    path("admin/", admin.site.urls),
]
