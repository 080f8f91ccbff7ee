"""Assurance pages under /assurance/. Evidence and judgement paths that hang off an action live in lscb/urls.py."""

from django.urls import path

from assurance import challenge_views, request_views, views

app_name = "assurance"

urlpatterns = [
    path("my-agency/", views.LeadHomeView.as_view(), name="lead-home"),
    path("evidence/<int:pk>/review/", views.EvidenceReviewView.as_view(), name="evidence-review"),
    path("evidence/<int:pk>/withdraw/", views.EvidenceWithdrawView.as_view(), name="evidence-withdraw"),
    path("requests/", request_views.RequestListView.as_view(), name="requests"),
    path("requests/new/", request_views.RequestCreateView.as_view(), name="request-create"),
    path("requests/<int:pk>/", request_views.RequestDetailView.as_view(), name="request-detail"),
    path("requests/<int:pk>/chase/", request_views.ChaseCreateView.as_view(), name="request-chase"),
    path("requests/<int:pk>/no-response/", request_views.NoResponseView.as_view(), name="request-no-response"),
    path("challenges/", challenge_views.ChallengeListView.as_view(), name="challenges"),
    path("challenges/new/", challenge_views.ChallengeEventCreateView.as_view(), name="challenge-create"),
    path("challenges/<int:pk>/", challenge_views.ChallengeEventDetailView.as_view(), name="challenge-detail"),
    path("challenges/<int:pk>/edit/", challenge_views.ChallengeEventUpdateView.as_view(), name="challenge-edit"),
    path("challenges/<int:pk>/raise/", challenge_views.ChallengeCreateView.as_view(), name="challenge-raise"),
    path(
        "challenges/<int:pk>/challenges/<int:cpk>/edit/",
        challenge_views.ChallengeUpdateView.as_view(),
        name="challenge-update",
    ),
]
