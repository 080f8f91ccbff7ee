"""Sign-in (local or single sign-on), sign-out, two-factor sign-in, personal API tokens and the health check:
pages every deployment has, whatever its boards."""

from django.urls import path

from lscb.platform import views
from lscb.platform.api_tokens import views as api_token_views
from lscb.platform.sso import views as sso_views
from lscb.platform.two_factor import views as two_factor_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("guide/", views.user_guide, name="user-guide"),
    path("guide/power-bi/", views.user_guide, {"page": "power-bi"}, name="user-guide-power-bi"),
    path("guide/img/<str:name>", views.guide_picture, name="user-guide-picture"),
    path("accounts/login/", sso_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", sso_views.SignOutView.as_view(), name="logout"),
    path("accounts/sso/start/", sso_views.StartView.as_view(), name="sso-start"),
    path("accounts/sso/callback/", sso_views.CallbackView.as_view(), name="sso-callback"),
    path("accounts/sso/signed-out/", sso_views.signed_out, name="sso-signed-out"),
    path("accounts/two-factor/", two_factor_views.VerifyView.as_view(), name="two-factor-verify"),
    path("accounts/two-factor/set-up/", two_factor_views.SetUpView.as_view(), name="two-factor-setup"),
    path(
        "accounts/two-factor/backup-codes/", two_factor_views.BackupCodesView.as_view(), name="two-factor-backup-codes"
    ),
    path("accounts/api-tokens/", api_token_views.ApiTokensView.as_view(), name="api-tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", api_token_views.ApiTokenRevokeView.as_view(), name="api-token-revoke"),
]
