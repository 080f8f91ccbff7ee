"""The board's pages: the dashboard, the review register and pages, history and the change log,
plan import, the security log and the failed-tasks page."""

from django.urls import path

from lscb.board import failed_tasks, history_pages, review_pages, security_log
from lscb.board.dashboard import views as dashboard_views
from lscb.board.plan_import import views as import_views

app_name = "board"

urlpatterns = [
    path("", dashboard_views.root, name="root"),
    path("dashboard/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("reviews/", review_pages.ReviewListView.as_view(), name="reviews"),
    path("reviews/<slug:slug>/", review_pages.ReviewDetailView.as_view(), name="review"),
    path(
        "reviews/<slug:slug>/recommendations/<int:pk>/",
        review_pages.RecommendationDetailView.as_view(),
        name="recommendation",
    ),
    path("reviews/<slug:slug>/import/", import_views.PlanImportView.as_view(), name="plan-import"),
    path("reviews/<slug:slug>/history/", history_pages.ReviewHistoryView.as_view(), name="review-history"),
    path(
        "reviews/<slug:slug>/recommendations/<int:pk>/history/",
        history_pages.RecommendationHistoryView.as_view(),
        name="recommendation-history",
    ),
    path("actions/<int:pk>/history/", history_pages.ActionHistoryView.as_view(), name="action-history"),
    path("audit/", history_pages.AuditView.as_view(), name="audit"),
    path("audit/security/", security_log.SecurityLogView.as_view(), name="security-log"),
    path("tasks/failed/", failed_tasks.FailedTaskListView.as_view(), name="failed-tasks"),
    path("tasks/<str:pk>/retry/", failed_tasks.TaskRetryView.as_view(), name="task-retry"),
]
