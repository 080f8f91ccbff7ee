"""The mechanism of permission checks, in pretix's style; the decisions themselves are the domain's.

A view names the permission it needs and fetches its object through the user's scope:

    class ProgressCreateView(PermissionRequiredMixin, FormView):
        permission = "actions.add_progress"

        def get_permission_object(self):
            self.action = get_object_or_404(Action.objects.for_user(self.request.user), pk=self.kwargs["pk"])
            return self.action

The order is always: scope first (404 outside it, so ids cannot be probed), then the permission
(403), then whatever the object's state forbids (`check_state`). The object, once allowed, is the
request's `page_object`: the page is about it, so the domain heads the page with its board's name
and marking (reviews.boards.current_board). Function views use
`@permission_required("...", fetch)`, templates `{% may "..." obj as name %}` (govuk library).

Permissions are asked through `rules.has_perm` (rules' own permission set), never `user.has_perm`:
Django passes an active superuser through every `user.has_perm`, and an administrator without a
board role must gain nothing here. The platform imports no domain app: the named permissions are
registered by the app that owns the predicates (reviews.permissions).
"""

from collections.abc import Callable
from functools import wraps

import rules
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponse


def may(user, permission: str, obj=None) -> bool:
    """Does the named permission let this user act on this object? An unknown name is a bug, not a refusal."""
    if not rules.perm_exists(permission):
        raise ImproperlyConfigured(f"No permission named {permission!r} is registered.")
    return rules.has_perm(permission, user, obj)


def require(user, permission: str, obj=None) -> None:
    """403 unless `may`."""
    if not may(user, permission, obj):
        raise PermissionDenied(f"You may not do this ({permission}).")


class PermissionRequiredMixin:
    """Scoped fetch (404), then the named permission (403), then the object's state, before the view runs."""

    permission: str = ""
    # True: a method the view does not answer gets 405 before anything is looked up, as Django's views
    # do (the read-only pages of reviews, recommendations, actions and their history). False: scope and
    # permission first, whatever the method, so that even a wrong method cannot probe what exists.
    methods_first: bool = False

    def get_permission_object(self):
        """The object the permission is about, fetched through the user's scope; None for board-wide pages."""
        return None

    def check_state(self, obj) -> None:
        """After the permission: refuse what the object's state forbids (a chaser on an answered request)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission:
            raise ImproperlyConfigured(f"{type(self).__name__} names no permission.")
        if not request.user.is_authenticated:  # LoginRequiredMiddleware sends them to sign in
            return super().dispatch(request, *args, **kwargs)
        if self.methods_first and not hasattr(self, request.method.lower()):
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.permission_object = self.get_permission_object()
        require(request.user, self.permission, self.permission_object)
        self.check_state(self.permission_object)
        request.page_object = self.permission_object
        return super().dispatch(request, *args, **kwargs)


def permission_required(permission: str, fetch: Callable | None = None, of: Callable | None = None):
    """The mixin's order for a function view.

    `fetch(request, **kwargs)` is the scoped fetch (404 outside the scope); it may answer early with
    a response (400 for a malformed address). What it returns is passed to the view after `request`,
    and is the permission's object, or `of(fetched)` is (the agency of a (review, agency) pair).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if fetch is None:
                require(request.user, permission)
                return view(request, *args, **kwargs)
            fetched = fetch(request, *args, **kwargs)
            if isinstance(fetched, HttpResponse):
                return fetched
            obj = of(fetched) if of else fetched
            require(request.user, permission, obj)
            request.page_object = obj
            return view(request, fetched, *args, **kwargs)

        wrapped.permission = permission
        return wrapped

    return decorator
