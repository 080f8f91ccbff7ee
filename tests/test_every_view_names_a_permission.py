"""Every page of the board names the permission it needs (reviews/permissions.py), so no view can
forget its check: a class-based view sets `permission` (lscb.platform.permissions.PermissionRequiredMixin),
a function view is wrapped in `permission_required`. The few views that need none are listed, with why.
"""

import rules
from django.urls import URLPattern, URLResolver, get_resolver

from lscb.platform.permissions import PermissionRequiredMixin

# URL name: why it needs no board permission.
NO_PERMISSION = {
    "healthz": "for load balancers, before anyone signs in",
    "login": "signing in comes before any role",
    "logout": "anyone signed in may sign out",
    "two-factor-verify": "part of signing in",
    "two-factor-setup": "part of signing in",
    "two-factor-backup-codes": "the person's own sign-in codes",
    "board:root": "only redirects to the dashboard, which names its permission",
}


def board_patterns(resolver=None, namespace: str = ""):
    """(URL name, view callback) for every path except Django's admin, which checks staff itself."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from board_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry.callback


def named_permission(callback) -> str:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return view_class.permission if issubclass(view_class, PermissionRequiredMixin) else ""
    return getattr(callback, "permission", "")


def test_every_view_in_the_urlconf_names_a_registered_permission():
    unnamed, unknown = [], []
    for name, callback in board_patterns():
        if name in NO_PERMISSION:
            continue
        permission = named_permission(callback)
        if not permission:
            unnamed.append(name)
        elif not rules.perm_exists(permission):
            unknown.append(f"{name}: {permission}")
    assert unnamed == [], "views without a named permission"
    assert unknown == [], "views naming a permission nobody registered"


def test_the_allow_list_names_only_views_that_exist():
    names = {name for name, _ in board_patterns()}
    assert set(NO_PERMISSION) <= names
