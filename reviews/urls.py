from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("reviews/new/", views.ReviewCreateView.as_view(), name="create"),
    path("reviews/<slug:slug>/edit/", views.ReviewUpdateView.as_view(), name="edit"),
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
]
