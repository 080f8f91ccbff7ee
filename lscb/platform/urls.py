"""Sign-in, sign-out, two-factor sign-in and the health check: pages every deployment has, whatever its boards."""

from django.contrib.auth import views as auth_views
from django.urls import path

from lscb.platform import views
from lscb.platform.two_factor import views as two_factor_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor_views.VerifyView.as_view(), name="two-factor-verify"),
    path("accounts/two-factor/set-up/", two_factor_views.SetUpView.as_view(), name="two-factor-setup"),
    path(
        "accounts/two-factor/backup-codes/", two_factor_views.BackupCodesView.as_view(), name="two-factor-backup-codes"
    ),
]
