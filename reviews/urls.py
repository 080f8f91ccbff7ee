from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("reviews/new/", views.ReviewCreateView.as_view(), name="create"),
    path("reviews/<slug:slug>/edit/", views.ReviewUpdateView.as_view(), name="edit"),
    path("reviews/<slug:slug>/milestones/<int:pk>/edit/", views.MilestoneUpdateView.as_view(), name="milestone-edit"),
    path(
        "reviews/<slug:slug>/recommendations/new/",
        views.RecommendationCreateView.as_view(),
        name="recommendation-create",
    ),
    path(
        "reviews/<slug:slug>/recommendations/<int:pk>/edit/",
        views.RecommendationUpdateView.as_view(),
        name="recommendation-edit",
    ),
    path("learning/", views.LearningActivityListView.as_view(), name="learning-list"),
    path("learning/new/", views.LearningActivityCreateView.as_view(), name="learning-create"),
    path("learning/<int:pk>/", views.LearningActivityDetailView.as_view(), name="learning"),
    path("learning/<int:pk>/edit/", views.LearningActivityUpdateView.as_view(), name="learning-edit"),
    path("learning/<int:pk>/attendance/", views.AttendanceView.as_view(), name="learning-attendance"),
    path("learning/<int:pk>/cascade/<int:agency_pk>/", views.confirm_cascade, name="learning-cascade"),
]
