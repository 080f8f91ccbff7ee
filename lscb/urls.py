from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from lscb import views

urlpatterns = [
    path("", views.root, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.DashboardView.as_view(), name="home"),
    path("reviews/<slug:slug>/plan.pdf", views.printed_plan, name="plan-pdf"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
