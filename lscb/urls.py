from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assurance import views as assurance_views
from lscb import views

urlpatterns = [
    path("", views.root, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # Assurance pages that hang off an action or a file (before the app includes).
    # evidence-download takes the EvidenceFile's id: a piece of evidence may hold several files.
    path("actions/<int:pk>/evidence/new/", assurance_views.EvidenceCreateView.as_view(), name="evidence-create"),
    path("actions/<int:pk>/assurance/new/", assurance_views.JudgementCreateView.as_view(), name="judgement-create"),
    path("evidence/<int:pk>/", assurance_views.EvidenceDetailView.as_view(), name="evidence-detail"),
    path("evidence/<int:pk>/download/", assurance_views.evidence_download, name="evidence-download"),
    path("assurance/", include("assurance.urls")),
]
