"""Every URL pattern of lscb.urls, found by walking the resolver (includes followed recursively)."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

ROOT_URLCONF = "lscb.urls"

# Patterns the matrix does not cover, each with the reason and where it IS covered.
EXCLUDED_NAMESPACES = {
    "admin": (
        "Django's admin has its own permission system (staff and model permissions) and is for the"
        " administrator only; tests/test_permission_matrix.py::test_the_admin_needs_staff_and_two_factor"
        " checks every persona is kept out and a staff user needs a second factor"
        " (also lscb/tests/test_security_two_factor.py)."
    ),
}
# No static or media patterns are wired: whitenoise serves static files before the URLconf, and evidence
# files are served only by evidence-download. A pattern like that appearing would fail the suite here.


@dataclass(frozen=True)
class DiscoveredPattern:
    name: str  # namespaced, e.g. "actions:edit"; "" for an unnamed pattern
    route: str  # e.g. "actions/<int:pk>/edit/"
    namespace: str

    @property
    def kwarg_names(self) -> tuple[str, ...]:
        return tuple(re.findall(r"<(?:\w+:)?(\w+)>", self.route))


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield DiscoveredPattern(name=name, route=route, namespace=namespace)


def discover(urlconf: str = ROOT_URLCONF) -> list[DiscoveredPattern]:
    """Every pattern, in URLconf order, including the excluded ones."""
    return list(_walk(get_resolver(urlconf).url_patterns))


def is_excluded(pattern: DiscoveredPattern) -> bool:
    return pattern.namespace.split(":")[0] in EXCLUDED_NAMESPACES


def covered_patterns(urlconf: str = ROOT_URLCONF) -> list[DiscoveredPattern]:
    return [pattern for pattern in discover(urlconf) if not is_excluded(pattern)]
