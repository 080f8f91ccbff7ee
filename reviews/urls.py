from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.ReviewListView.as_view(), name="list"),
    path("new/", views.ReviewCreateView.as_view(), name="create"),
    path("<slug:slug>/", views.ReviewDetailView.as_view(), name="detail"),
    path("<slug:slug>/edit/", views.ReviewUpdateView.as_view(), name="edit"),
    path("<slug:slug>/recommendations/new/", views.RecommendationCreateView.as_view(), name="recommendation-create"),
    path("<slug:slug>/recommendations/<int:pk>/", views.RecommendationDetailView.as_view(), name="recommendation"),
    path(
        "<slug:slug>/recommendations/<int:pk>/edit/",
        views.RecommendationUpdateView.as_view(),
        name="recommendation-edit",
    ),
]
