"""Single sign-on with an organisation's OpenID Connect provider (DESIGN.md §14, README "Single sign-on").

mozilla-django-oidc does the protocol (authorisation code flow with PKCE, state and nonce kept in the
session, the token exchange and the signature check); it knows one provider from Django settings, so
`ProviderSettings` answers its `get_settings()` from the provider a flow belongs to instead, and the
provider's endpoints come from its discovery document. On top of it, here and in backend.py/views.py:
accounts are matched by verified e-mail within the domains a provider serves and are never created;
the ID token's issuer, audience and expiry are checked; a provider counts as the second factor only when
its `amr` says MFA or it is declared to enforce MFA; a provider may be required for its own domains.
"""

from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from mozilla_django_oidc.utils import import_from_settings

#: What the session remembers of a single sign-on: {"provider": id, "id_token": the ID token (for sign-out)}.
SESSION_KEY = "_lscb_sso"
DISCOVERY_SECONDS = 3600


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered something that is not its discovery document."""


@dataclass(frozen=True)
class Provider:
    """One organisation's sign-in service, as configured from the environment (lscb.env.sso_providers)."""

    id: str
    issuer: str
    client_id: str
    client_secret: str
    name: str
    domains: tuple[str, ...]
    mfa_enforced: bool = False
    required: bool = False
    trust_email: bool = False
    sign_algo: str = "RS256"
    scopes: str = "openid email"

    def serves(self, email: str) -> bool:
        return domain_of(email) in self.domains

    def discovery(self) -> dict:
        """The provider's endpoints (/.well-known/openid-configuration), kept an hour in the cache."""
        key = f"lscb.sso.discovery:{self.id}:{self.issuer}"
        document = cache.get(key)
        if document is None:
            document = fetch_discovery(self)
            cache.set(key, document, DISCOVERY_SECONDS)
        return document


def domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in (email or "") else ""


def providers() -> list[Provider]:
    return [Provider(**{**config, "domains": tuple(config["domains"])}) for config in settings.LSCB_SSO_PROVIDERS]


def get_provider(provider_id: str) -> Provider | None:
    return next((provider for provider in providers() if provider.id == provider_id), None)


def provider_for(email: str) -> Provider | None:
    """The provider that serves this address's domain, if any."""
    return next((provider for provider in providers() if provider.serves(email)), None)


def required_provider_for(user) -> Provider | None:
    """The provider this person must sign in with (their domain's provider is required), or None."""
    provider = provider_for(user.email)
    return provider if provider is not None and provider.required else None


def fetch_discovery(provider: Provider) -> dict:
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.LSCB_SSO_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{provider.id}: no discovery document at {url}: {exc}") from exc
    # OpenID Connect Discovery §4.3: the document names the very issuer it was fetched for.
    if not isinstance(document, dict) or document.get("issuer") != provider.issuer:
        raise ProviderUnavailable(f"{provider.id}: the discovery document names another issuer")
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
        if not isinstance(document.get(endpoint), str):
            raise ProviderUnavailable(f"{provider.id}: the discovery document has no {endpoint}")
    return document


class ProviderSettings:
    """mozilla-django-oidc's settings, answered for `self.provider` (one provider per flow, many configured)."""

    provider: Provider

    def get_settings(self, attr: str, *args):
        discovery = self.provider.discovery()
        per_provider = {
            "OIDC_OP_AUTHORIZATION_ENDPOINT": discovery["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": discovery["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": discovery["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": discovery["jwks_uri"],
            "OIDC_RP_CLIENT_ID": self.provider.client_id,
            "OIDC_RP_CLIENT_SECRET": self.provider.client_secret,
            "OIDC_RP_SIGN_ALGO": self.provider.sign_algo,
            "OIDC_RP_IDP_SIGN_KEY": None,
            "OIDC_RP_SCOPES": self.provider.scopes,
            "OIDC_AUTHENTICATION_CALLBACK_URL": "sso-callback",
            "OIDC_USE_NONCE": True,
            "OIDC_USE_PKCE": True,
            "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
            "OIDC_STORE_ID_TOKEN": False,  # kept under SESSION_KEY instead, with the provider it came from
            "OIDC_STORE_ACCESS_TOKEN": False,
            "OIDC_CREATE_USER": False,
            "OIDC_TOKEN_USE_BASIC_AUTH": False,
            "OIDC_ALLOW_UNSECURED_JWT": False,
            "OIDC_VERIFY_SSL": True,
            "OIDC_TIMEOUT": settings.LSCB_SSO_TIMEOUT,
            "OIDC_PROXY": None,
            "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {},
        }
        if attr in per_provider:
            return per_provider[attr]
        return import_from_settings(attr, *args)
