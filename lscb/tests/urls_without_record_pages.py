"""The project's URLs without the review and action pages, as before those pages are merged."""

from django.urls import URLResolver

from lscb.urls import urlpatterns as project_patterns

urlpatterns = [
    pattern
    for pattern in project_patterns
    if not (isinstance(pattern, URLResolver) and pattern.namespace in {"actions", "reviews", "assurance"})
]
