"""Test scaffolding: the pages of this branch link to pages other branches build.

The lead merges every branch before CI; until then a link to, say,
`action-history` would fail to reverse and break the page under test. The
`pending_urls` fixture swaps in a URLconf that adds a plain placeholder for
each such name *only while the real one is missing*, so after the merge it
adds nothing and the real pages are exercised.
"""

import pytest
from django.http import HttpResponse
from django.urls import NoReverseMatch, path, reverse

import lscb.urls

LINKED_ELSEWHERE = [
    ("plan-import", "reviews/<slug:slug>/import/", {"slug": "x"}),
    ("plan-pdf", "reviews/<slug:slug>/plan.pdf", {"slug": "x"}),
    ("review-history", "reviews/<slug:slug>/history/", {"slug": "x"}),
    ("recommendation-history", "reviews/<slug:slug>/recommendations/<int:pk>/history/", {"slug": "x", "pk": 1}),
    ("action-history", "actions/<int:pk>/history/", {"pk": 1}),
]


def placeholder(request, **kwargs):
    return HttpResponse("Built on another branch.", content_type="text/plain")


def _missing(name: str, kwargs: dict) -> bool:
    try:
        reverse(name, kwargs=kwargs, urlconf="lscb.urls")
    except NoReverseMatch:
        return True
    return False


urlpatterns = [
    path(route, placeholder, name=name) for name, route, kwargs in LINKED_ELSEWHERE if _missing(name, kwargs)
] + lscb.urls.urlpatterns


@pytest.fixture
def pending_urls(settings):
    settings.ROOT_URLCONF = "tests.pending_urls"
