"""Every page of the board names the permission it needs (reviews/permissions.py), so no view can
forget its check: a class-based view sets `permission` (lscb.platform.permissions.PermissionRequiredMixin),
a function view is wrapped in `permission_required`. The few views that need none are listed, with why.
"""

import rules
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from lscb.platform.permissions import PermissionRequiredMixin

# URL name: why it needs no board permission.
NO_PERMISSION = {
    "healthz": "for load balancers, before anyone signs in",
    "user-guide": "the product's user guide: help, no board's information, open before signing in",
    "user-guide-power-bi": "a page of the user guide",
    "user-guide-picture": "a picture of the user guide, of the fictional demo board",
    "login": "signing in comes before any role",
    "logout": "anyone signed in may sign out",
    "two-factor-verify": "part of signing in",
    "two-factor-setup": "part of signing in",
    "two-factor-backup-codes": "the person's own sign-in codes",
    "sso-start": "single sign-on: signing in comes before any role",
    "sso-callback": "single sign-on: signing in comes before any role",
    "sso-signed-out": "after signing out, the offer to sign out at the provider too",
    "board:root": "only redirects to the dashboard, which names its permission",
    "board:calendar-feed": "calendar clients cannot sign in: its secret token is the credential, read as its owner",
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
    # A REST framework view names it for lscb.platform.api_tokens.rest.NamedPermission; a viewset's
    # callback carries its class as `cls`.
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        named = issubclass(view_class, PermissionRequiredMixin | APIView)
        return getattr(view_class, "permission", "") if named else ""
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
