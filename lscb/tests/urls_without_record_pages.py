"""Only the change log: every record page is missing, as before the review and action pages are merged."""

from django.urls import path

from lscb import history_views

urlpatterns = [
    path("dashboard/", history_views.AuditView.as_view(), name="home"),
    path("accounts/login/", history_views.AuditView.as_view(), name="login"),
    path("accounts/logout/", history_views.AuditView.as_view(), name="logout"),
    path("audit/", history_views.AuditView.as_view(), name="audit"),
]
