"""The service navigation, built per request so each role sees only the pages it can use."""

from django.urls import reverse

from lscb import permissions, roles


def navigation(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    match = request.resolver_match
    here = (match.namespace or match.url_name) if match else ""
    items = [("home", "Dashboard", "home")]
    if roles.role_names(user):
        items += [
            ("reviews:list", "Reviews", "reviews"),
            ("actions:list", "Actions", "actions"),
            ("assurance:requests", "Assurance requests", "assurance"),
        ]
    if roles.sees_whole_board(user):
        items += [("audit", "Change log", "audit")]
    if permissions.can_see_security_log(user):
        items += [("security-log", "Security log", "security-log")]
    return {
        "navigation": [
            {"href": _reverse(name), "label": label, "current": here == key}
            for name, label, key in items
            if _reverse(name)
        ]
    }


def _reverse(name: str) -> str | None:
    """Pages arrive issue by issue; a link to one not yet wired is left out rather than breaking every page."""
    try:
        return reverse(name)
    except Exception:
        return None
