"""Assurance pages: under /assurance/, and the evidence and judgement pages that hang off an action."""

from django.urls import path

from assurance import challenge_views, meeting_views, report_views, request_views, views

app_name = "assurance"

urlpatterns = [
    # evidence-download takes the EvidenceFile's id: a piece of evidence may hold several files.
    path("actions/<int:pk>/evidence/new/", views.EvidenceCreateView.as_view(), name="evidence-create"),
    path("actions/<int:pk>/assurance/new/", views.JudgementCreateView.as_view(), name="judgement-create"),
    path("evidence/<int:pk>/", views.EvidenceDetailView.as_view(), name="evidence-detail"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence-download"),
    path("assurance/my-agency/", views.LeadHomeView.as_view(), name="lead-home"),
    path("assurance/evidence/<int:pk>/review/", views.EvidenceReviewView.as_view(), name="evidence-review"),
    path("assurance/evidence/<int:pk>/withdraw/", views.EvidenceWithdrawView.as_view(), name="evidence-withdraw"),
    path("assurance/requests/", request_views.RequestListView.as_view(), name="requests"),
    path("assurance/requests/new/", request_views.RequestCreateView.as_view(), name="request-create"),
    path("assurance/requests/<int:pk>/", request_views.RequestDetailView.as_view(), name="request-detail"),
    path("assurance/requests/<int:pk>/chase/", request_views.ChaseCreateView.as_view(), name="request-chase"),
    path("assurance/requests/<int:pk>/reply/", request_views.ReplyRecordView.as_view(), name="request-reply"),
    path(
        "assurance/requests/<int:pk>/no-response/", request_views.NoResponseView.as_view(), name="request-no-response"
    ),
    path("assurance/challenges/", challenge_views.ChallengeListView.as_view(), name="challenges"),
    path("assurance/challenges/new/", challenge_views.ChallengeEventCreateView.as_view(), name="challenge-create"),
    path("assurance/challenges/<int:pk>/", challenge_views.ChallengeEventDetailView.as_view(), name="challenge-detail"),
    path(
        "assurance/challenges/<int:pk>/edit/", challenge_views.ChallengeEventUpdateView.as_view(), name="challenge-edit"
    ),
    path("assurance/challenges/<int:pk>/raise/", challenge_views.ChallengeCreateView.as_view(), name="challenge-raise"),
    path(
        "challenges/<int:pk>/challenges/<int:cpk>/edit/",
        challenge_views.ChallengeUpdateView.as_view(),
        name="challenge-update",
    ),
    path("assurance/subgroups/", meeting_views.SubgroupListView.as_view(), name="subgroups"),
    path("assurance/subgroups/new/", meeting_views.SubgroupCreateView.as_view(), name="subgroup-create"),
    path("assurance/subgroups/<int:pk>/", meeting_views.SubgroupDetailView.as_view(), name="subgroup"),
    path("assurance/subgroups/<int:pk>/edit/", meeting_views.SubgroupUpdateView.as_view(), name="subgroup-edit"),
    path(
        "assurance/subgroups/<int:pk>/meetings/new/", meeting_views.MeetingCreateView.as_view(), name="meeting-create"
    ),
    path("assurance/meetings/<int:pk>/edit/", meeting_views.MeetingUpdateView.as_view(), name="meeting-edit"),
    path("reports/annual/", report_views.annual_report, name="annual-report"),
    path("reports/annual/<int:pk>/", report_views.annual_report_progress, name="annual-report-progress"),
    path("reports/annual/<int:pk>/download/", report_views.annual_report_download, name="annual-report-download"),
]
