"""The Django admin, behind the same sign-in and second factor as every other page."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class LscbAdminSite(AdminSite):
    """Staff need a verified second factor when LSCB_REQUIRE_2FA is on, checked here as well as in the middleware."""

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        if not settings.LSCB_REQUIRE_2FA:
            return True
        is_verified = getattr(request.user, "is_verified", None)
        return bool(is_verified and is_verified())

    def login(self, request, extra_context=None):
        """One sign-in page for everyone: ours has the lockout, the log lines and the second factor."""
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(next_url)
            # Signed in but not staff: sending them to sign in again would loop back here.
            raise PermissionDenied
        return redirect_to_login(next_url)
