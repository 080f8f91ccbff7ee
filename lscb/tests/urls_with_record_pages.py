"""The project's URLs plus stand-ins for record pages that are not wired in this checkout.

Lets the change log's links be tested whether or not the review and action
pages (built in another branch) are present; real pages win when they are.
"""

from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from lscb.urls import urlpatterns as project_patterns


def stand_in(request, **kwargs):
    return HttpResponse("record page")


def _missing(name: str, *args) -> bool:
    try:
        reverse(name, urlconf="lscb.urls", args=args)
    except NoReverseMatch:
        return True
    return False


urlpatterns = list(project_patterns)
if _missing("actions:detail", 1):
    urlpatterns.append(path("", include(([path("actions/<int:pk>/", stand_in, name="detail")], "actions"))))
if _missing("reviews:detail", "x"):
    urlpatterns.append(
        path(
            "",
            include(
                (
                    [
                        path("reviews/<slug:slug>/", stand_in, name="detail"),
                        path("reviews/<slug:slug>/recommendations/<int:pk>/", stand_in, name="recommendation"),
                    ],
                    "reviews",
                )
            ),
        )
    )
