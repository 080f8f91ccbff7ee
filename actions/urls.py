from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("", views.ActionListView.as_view(), name="list"),
    path("new/<int:recommendation_pk>/", views.ActionCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ActionDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ActionEditView.as_view(), name="edit"),
    path("<int:pk>/status/", views.ActionStatusView.as_view(), name="status"),
    path("<int:pk>/progress/new/", views.ProgressCreateView.as_view(), name="progress"),
]
