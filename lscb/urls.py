from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assurance import views as assurance_views
from lscb import history_views, import_views, security_views, two_factor_views, views

handler500 = "lscb.security_views.server_error"

urlpatterns = [
    path("", views.root, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.DashboardView.as_view(), name="home"),
    # Sign-in, two-factor sign-in and the security log.
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor_views.VerifyView.as_view(), name="two-factor-verify"),
    path("accounts/two-factor/set-up/", two_factor_views.SetUpView.as_view(), name="two-factor-setup"),
    path(
        "accounts/two-factor/backup-codes/", two_factor_views.BackupCodesView.as_view(), name="two-factor-backup-codes"
    ),
    path("audit/security/", security_views.SecurityLogView.as_view(), name="security-log"),
    # History pages and the change log (lscb/history_views.py): before any app include.
    path("actions/<int:pk>/history/", history_views.ActionHistoryView.as_view(), name="action-history"),
    path("reviews/<slug:slug>/history/", history_views.ReviewHistoryView.as_view(), name="review-history"),
    path(
        "reviews/<slug:slug>/recommendations/<int:pk>/history/",
        history_views.RecommendationHistoryView.as_view(),
        name="recommendation-history",
    ),
    path("audit/", history_views.AuditView.as_view(), name="audit"),
    path("admin/", admin.site.urls),
    # Board-wide pages that compose the apps.
    path("reviews/<slug:slug>/plan.pdf", views.printed_plan, name="plan-pdf"),
    path("reviews/<slug:slug>/import/", import_views.PlanImportView.as_view(), name="plan-import"),
    # Assurance pages that hang off an action or a file.
    # evidence-download takes the EvidenceFile's id: a piece of evidence may hold several files.
    path("actions/<int:pk>/evidence/new/", assurance_views.EvidenceCreateView.as_view(), name="evidence-create"),
    path("actions/<int:pk>/assurance/new/", assurance_views.JudgementCreateView.as_view(), name="judgement-create"),
    path("evidence/<int:pk>/", assurance_views.EvidenceDetailView.as_view(), name="evidence-detail"),
    path("evidence/<int:pk>/download/", assurance_views.evidence_download, name="evidence-download"),
    # The apps.
    path("reviews/", include("reviews.urls")),
    path("actions/", include("actions.urls")),
    path("assurance/", include("assurance.urls")),
]
