"""The board's pages: the dashboard, the review register and pages, the milestone list, history and the change log,
plan import, the security log and the failed-tasks page."""

from django.urls import path

from lscb.board import (
    calendar,
    failed_tasks,
    history_pages,
    meeting_pack_views,
    milestone_list,
    register_views,
    review_pages,
    security_log,
)
from lscb.board.dashboard import views as dashboard_views
from lscb.board.plan_import import views as import_views

app_name = "board"

urlpatterns = [
    path("", dashboard_views.root, name="root"),
    path("dashboard/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/print.css", dashboard_views.print_stylesheet, name="dashboard-print-css"),
    path("reviews/", review_pages.ReviewListView.as_view(), name="reviews"),
    path("reviews/import/", register_views.RegisterImportView.as_view(), name="register-import"),
    path("milestones/", milestone_list.MilestoneListView.as_view(), name="milestones"),
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
    path("learning/<int:pk>/history/", history_pages.LearningActivityHistoryView.as_view(), name="learning-history"),
    path("audit/", history_pages.AuditView.as_view(), name="audit"),
    path("audit/security/", security_log.SecurityLogView.as_view(), name="security-log"),
    path("calendar/", calendar.CalendarPageView.as_view(), name="calendar"),
    path("calendar/reset/", calendar.CalendarResetView.as_view(), name="calendar-reset"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar-feed"),
    path("meetings/<int:pk>/pack/", meeting_pack_views.MeetingPackView.as_view(), name="meeting-pack"),
    path(
        "meetings/packs/<int:pk>/", meeting_pack_views.MeetingPackProgressView.as_view(), name="meeting-pack-progress"
    ),
    path("meetings/packs/<int:pk>/pack.pdf", meeting_pack_views.meeting_pack_pdf, name="meeting-pack-pdf"),
    path("meetings/packs/<int:pk>/pack.docx", meeting_pack_views.meeting_pack_docx, name="meeting-pack-docx"),
    path("tasks/failed/", failed_tasks.FailedTaskListView.as_view(), name="failed-tasks"),
    path("tasks/<str:pk>/retry/", failed_tasks.TaskRetryView.as_view(), name="task-retry"),
]
