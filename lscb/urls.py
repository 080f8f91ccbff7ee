from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lscb import import_views, security_views, two_factor_views, views

handler500 = "lscb.security_views.server_error"

urlpatterns = [
    path("", views.root, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.HomeView.as_view(), name="home"),
    path("reviews/<slug:slug>/import/", import_views.PlanImportView.as_view(), name="plan-import"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor_views.VerifyView.as_view(), name="two-factor-verify"),
    path("accounts/two-factor/set-up/", two_factor_views.SetUpView.as_view(), name="two-factor-setup"),
    path(
        "accounts/two-factor/backup-codes/", two_factor_views.BackupCodesView.as_view(), name="two-factor-backup-codes"
    ),
    path("audit/security/", security_views.SecurityLogView.as_view(), name="security-log"),
    path("admin/", admin.site.urls),
    path("reviews/", include("reviews.urls")),
    path("actions/", include("actions.urls")),
]
