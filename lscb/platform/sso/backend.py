"""The authentication backend behind a provider's callback: mozilla-django-oidc's, held to our rules."""

import jwt
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from lscb.platform.sso import Provider, ProviderSettings, ProviderUnavailable

# Clocks of the provider and this server may differ by this much when expiry and issue times are checked.
CLOCK_SKEW_SECONDS = 60
#: The request attribute the callback view sets: the provider its state was issued for.
PROVIDER_ATTRIBUTE = "_lscb_sso_provider"
#: The request attribute this backend sets on success: {"amr": [...], "id_token": "..."}.
RESULT_ATTRIBUTE = "_lscb_sso_result"


class Refusal(Exception):
    """A sign-in that must not go ahead; `reason` picks the page's words (views.REFUSALS)."""

    def __init__(self, reason: str, email: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.email = email[:254]


class ProviderBackend(ProviderSettings, OIDCAuthenticationBackend):
    """Signs in the one active account whose e-mail matches the provider's verified address; creates none.

    Answers only a callback whose state named a provider (PROVIDER_ATTRIBUTE); other sign-ins pass by.
    """

    provider: Provider

    def __init__(self, *args, **kwargs) -> None:
        # mozilla-django-oidc reads its one provider's settings here; ours are read per flow in authenticate().
        self.UserModel = get_user_model()

    def authenticate(self, request, nonce=None, code_verifier=None, **kwargs):
        provider = getattr(request, PROVIDER_ATTRIBUTE, None)
        if request is None or provider is None or kwargs:
            return None
        self.provider = provider
        try:
            for name in (
                "OIDC_OP_TOKEN_ENDPOINT",
                "OIDC_OP_USER_ENDPOINT",
                "OIDC_OP_JWKS_ENDPOINT",
                "OIDC_RP_CLIENT_ID",
            ):
                setattr(self, name, self.get_settings(name))
            self.OIDC_RP_CLIENT_SECRET = self.provider.client_secret
            self.OIDC_RP_SIGN_ALGO = self.provider.sign_algo
            self.OIDC_RP_IDP_SIGN_KEY = None
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except requests.HTTPError as exc:
            # The token endpoint refused the code (used already, run out, or not this client's), or userinfo failed.
            raise Refusal("exchange") from exc
        except (requests.RequestException, ProviderUnavailable, ValueError) as exc:
            raise Refusal("unavailable") from exc

    # mozilla-django-oidc's get_user() returns a deactivated user too; Django's own refuses them.
    get_user = ModelBackend.get_user

    def verify_token(self, token, **kwargs):
        if not isinstance(token, str) or not token:
            raise Refusal("token")
        try:
            return super().verify_token(token, **kwargs)
        except SuspiciousOperation as exc:  # the nonce, the key (kid) or the algorithm did not match
            raise Refusal("token") from exc

    def _verify_jws(self, payload, key):
        """The signature, and what mozilla-django-oidc leaves unchecked: issuer, audience, expiry and issue time."""
        client_id = self.provider.client_id
        try:
            if jwt.get_unverified_header(payload).get("alg") != self.provider.sign_algo:
                raise Refusal("token")
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.provider.sign_algo],
                audience=client_id,
                issuer=self.provider.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Refusal("expired") from exc
        except jwt.InvalidTokenError as exc:
            raise Refusal("token") from exc
        # OpenID Connect Core §3.1.3.7: with several audiences, the authorised party must be us.
        if isinstance(claims["aud"], list) and len(claims["aud"]) > 1 and claims.get("azp") != client_id:
            raise Refusal("token")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
            raise Refusal("token")  # OpenID Connect Core §5.3.2: userinfo must be about the token's subject
        claims = {**payload, **userinfo}
        email = str(claims.get("email") or "").strip()
        if not email or not self.provider.serves(email):
            raise Refusal("other_domain", email)
        verified = claims.get("email_verified") in (True, "true") or self.provider.trust_email
        if not verified:
            raise Refusal("unverified", email)
        users = list(self.UserModel._default_manager.filter(email__iexact=email, is_active=True)[:2])
        if not users:
            raise Refusal("unknown", email)
        if len(users) > 1:
            raise Refusal("ambiguous", email)
        amr = payload.get("amr")
        setattr(
            self.request,
            RESULT_ATTRIBUTE,
            {"amr": [str(m) for m in amr] if isinstance(amr, list) else [], "id_token": id_token},
        )
        return users[0]
