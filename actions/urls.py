from django.urls import path

from actions import export_views, views
from actions.plan import views as plan_views

app_name = "actions"

urlpatterns = [
    path("actions/", views.ActionListView.as_view(), name="list"),
    path("actions/new/<int:recommendation_pk>/", views.ActionCreateView.as_view(), name="create"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="detail"),
    path("actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="edit"),
    path("actions/<int:pk>/status/", views.ActionStatusView.as_view(), name="status"),
    path("actions/<int:pk>/progress/new/", views.ProgressCreateView.as_view(), name="progress"),
    path(
        "actions/recommendations/<int:recommendation_pk>/evaluations/new/",
        views.ImpactEvaluationCreateView.as_view(),
        name="evaluation-create",
    ),
    path("actions/exports/<int:pk>/", export_views.export_progress, name="export"),
    path("actions/exports/<int:pk>/download/", export_views.export_download, name="export-download"),
    path("reviews/<slug:slug>/plan.pdf", plan_views.printed_plan, name="plan-pdf"),
    path("reviews/<slug:slug>/plan.docx", plan_views.word_plan, name="plan-docx"),
]
