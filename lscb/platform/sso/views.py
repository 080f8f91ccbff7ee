"""Sign-in pages with single sign-on: the sign-in page, a provider's start and callback, and sign-out."""

import logging
from urllib.parse import parse_qs, urlencode, urlparse

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from lscb.platform import two_factor
from lscb.platform.models import SingleSignOnDevice
from lscb.platform.security import EventKind, record_event
from lscb.platform.sso import (
    SESSION_KEY,
    ProviderSettings,
    ProviderUnavailable,
    get_provider,
    providers,
    required_provider_for,
)
from lscb.platform.sso.backend import PROVIDER_ATTRIBUTE, RESULT_ATTRIBUTE, Refusal

logger = logging.getLogger(__name__)
SIGNED_OUT_KEY = "_lscb_sso_signed_out"

# What the refusal page says for each reason: a title, and what happened in the person's words.
REFUSALS = {
    "unknown": ("There is no account for this e-mail address", "No one in the action tracker uses {email}."),
    "ambiguous": ("More than one account uses this e-mail address", "Two accounts in the tracker use {email}."),
    "unverified": (
        "Your e-mail address was not confirmed",
        "{provider} did not confirm that {email} is yours, so the tracker cannot match it to an account.",
    ),
    "other_domain": (
        "{provider} cannot sign you in with this e-mail address",
        "{provider} signs in people whose address ends {domains}, and {email} does not.",
    ),
    "state": (
        "Sign-in did not complete",
        "The answer from the sign-in service does not match a sign-in started in this browser. It may have "
        "been started in another window or browser, or taken too long.",
    ),
    "exchange": (
        "Sign-in did not complete",
        "{provider} refused to complete the sign-in: its sign-in code had been used already or had run out.",
    ),
    "token": ("Sign-in did not complete", "The identity token from {provider} failed the tracker's checks."),
    "expired": (
        "Sign-in did not complete",
        "The identity token from {provider} had already expired when it arrived. If this happens again, the "
        "clock of the tracker's server or of the sign-in service may be wrong: tell {contact}.",
    ),
    "provider_error": ("Sign-in did not complete", "{provider} did not sign you in."),
    "refused": ("Sign-in did not complete", "The tracker did not accept the sign-in."),
    "unavailable": (
        "{provider}'s sign-in service is not answering",
        "The tracker could not reach {provider}'s sign-in service, so you cannot sign in with it just now.",
    ),
}
# Reasons where the person needs someone to change an account or an address, not another try.
ASK_SOMEONE = {"unknown", "ambiguous", "unverified"}


class SignInForm(auth_views.AuthenticationForm):
    """The local sign-in, refused (with the way in) for people whose organisation requires its own sign-in."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        provider = required_provider_for(user)
        if provider is not None:
            record_event(self.request, EventKind.SIGN_IN_FAILED, user=user, reason="sso_required", provider=provider.id)
            raise forms.ValidationError(
                f"Your organisation signs you in with its own account: use “Sign in with {provider.name}”. "
                "The tracker does not accept a password for you",
                code="sso_required",
            )


class SignInView(auth_views.LoginView):
    """The sign-in page: "Sign in with <provider>" for each provider, beside the username and password form."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_providers": providers()}


@method_decorator([login_not_required, never_cache], name="dispatch")
class StartView(ProviderSettings, OIDCAuthenticationRequestView):
    """Sends the browser to the provider with a new state, nonce and PKCE challenge kept in the session."""

    def __init__(self, **kwargs) -> None:
        # mozilla-django-oidc reads its one provider's endpoints here; ours are known once the URL names one.
        View.__init__(self, **kwargs)

    def get(self, request):
        self.provider = get_provider(request.GET.get("provider", ""))
        if self.provider is None:
            raise Http404("No such sign-in provider")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable:
            logger.warning("Single sign-on with %s is unavailable", self.provider.id, exc_info=True)
            record_event(request, EventKind.SSO_REFUSED, provider=self.provider.id, reason="unavailable")
            message = f"{REFUSALS['unavailable'][1]} Sign in with your username and password, or try again later."
            messages.error(request, message.format(provider=self.provider.name))
            return redirect(
                reverse("login") + (f"?{urlencode({'next': request.GET['next']})}" if "next" in request.GET else "")
            )
        self.OIDC_RP_CLIENT_ID = self.provider.client_id
        response = super().get(request)
        # Bind the state to its provider: the callback redeems the code with that provider and no other.
        state = parse_qs(urlparse(response.url).query)["state"][0]
        request.session["oidc_states"][state]["provider"] = self.provider.id
        request.session.modified = True
        return response


@method_decorator([login_not_required, never_cache], name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code and the state; mozilla-django-oidc checks the state."""

    def get(self, request):
        states = request.session.get("oidc_states")
        started = states.get(request.GET.get("state", "")) if isinstance(states, dict) else None
        self.provider = get_provider(started.get("provider", "")) if isinstance(started, dict) else None
        if self.provider is None:
            return self.refuse("state")
        setattr(request, PROVIDER_ATTRIBUTE, self.provider)
        if request.GET.get("error"):
            super().get(request)  # forgets the state, so the same answer cannot be played again
            return self.refuse("provider_error", detail=request.GET["error"][:100])
        try:
            return super().get(request)
        except Refusal as refusal:
            return self.refuse(refusal.reason, refusal.email)

    def login_failure(self):
        return self.refuse("refused")

    def login_success(self):
        result = getattr(self.request, RESULT_ATTRIBUTE)
        signed_in_with = {"provider": self.provider.id, "id_token": result["id_token"]}
        self.request.session[SESSION_KEY] = signed_in_with  # before login, for the security log's "Signed in"
        response = super().login_success()
        self.request.session[SESSION_KEY] = signed_in_with  # again: login empties a session another user held
        if self.provider.mfa_enforced or "mfa" in result["amr"]:
            device, _ = SingleSignOnDevice.objects.get_or_create(
                user=self.user, provider=self.provider.id, defaults={"name": self.provider.name[:64]}
            )
            two_factor.mark_verified(self.request, device)
            why = "declared" if self.provider.mfa_enforced else "amr"
            record_event(
                self.request,
                EventKind.TWO_FACTOR_VERIFIED,
                device="SingleSignOnDevice",
                provider=self.provider.id,
                why=why,
            )
        return response

    def refuse(self, reason: str, email: str = "", detail: str = ""):
        provider = self.provider
        record_event(
            self.request,
            EventKind.SSO_REFUSED,
            username=email,
            provider=provider.id if provider else "",
            reason=reason,
            **({"detail": detail} if detail else {}),
        )
        words = {
            "provider": provider.name if provider else "The sign-in service",
            "email": email,
            "domains": " or ".join(f"@{domain}" for domain in provider.domains) if provider else "",
            "contact": settings.LSCB_ACCESS_CONTACT,
        }
        title, text = (part.format(**words) for part in REFUSALS[reason])
        context = {
            "title": title,
            "text": text,
            "ask_someone": reason in ASK_SOMEONE,
            "provider": provider,
            "email": email,
            "contact": settings.LSCB_ACCESS_CONTACT,
        }
        return render(self.request, "sso/refused.html", context, status=503 if reason == "unavailable" else 403)


class SignOutView(auth_views.LogoutView):
    """Ends the session here; after a provider's sign-in, offers to sign out at the provider too."""

    def post(self, request, *args, **kwargs):
        signed_in_with = request.session.get(SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        offer = provider_sign_out(request, signed_in_with)
        if offer is None:
            return response
        request.session[SIGNED_OUT_KEY] = offer
        return redirect("sso-signed-out")


def provider_sign_out(request, signed_in_with) -> dict | None:
    """The provider's name and end-session URL, when the session came from a provider that publishes one."""
    provider = get_provider(signed_in_with.get("provider", "")) if isinstance(signed_in_with, dict) else None
    if provider is None:
        return None
    try:
        endpoint = provider.discovery().get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    query = {
        "client_id": provider.client_id,
        "id_token_hint": signed_in_with.get("id_token") or "",
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    separator = "&" if "?" in endpoint else "?"
    return {"name": provider.name, "url": endpoint + separator + urlencode({k: v for k, v in query.items() if v})}


@login_not_required
@never_cache
@require_safe
def signed_out(request):
    """After signing out of a provider's session: offer the provider's own sign-out, once."""
    offer = request.session.pop(SIGNED_OUT_KEY, None)
    if not isinstance(offer, dict):
        return redirect("login")
    return render(request, "sso/signed_out.html", {"offer": offer})
