"""Typed readers for settings taken from the environment.

A malformed value stops start-up with ImproperlyConfigured rather than
silently falling back, because a mistyped DEBUG or timeout in production
is worse than a server that refuses to start.
"""

import os
import re
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [part.strip() for part in raw.split(",") if part.strip()]


def email_settings(url: str) -> dict:
    """Django email settings from EMAIL_URL, e.g. smtp://user:pass@host:587?tls=1."""
    parsed = urlparse(url)
    backends = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
    }
    if parsed.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be one of {', '.join(backends)}, not {parsed.scheme!r}")
    options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    try:
        port = parsed.port
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_URL has a malformed port: {url!r}") from None
    return {
        "EMAIL_BACKEND": backends[parsed.scheme],
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": port or (465 if parsed.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": options.get("tls", "").lower() in TRUE,
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
    }


def cache_settings(url: str) -> dict:
    """Django's CACHES from LSCB_CACHE_URL: empty or locmem:// (one process), file:///path, or dummy://."""
    parsed = urlparse(url or "locmem://")
    if parsed.scheme == "locmem":
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parsed.netloc or "lscb"}
    elif parsed.scheme == "file":
        if not parsed.path.startswith("/"):
            raise ImproperlyConfigured(
                f"LSCB_CACHE_URL needs an absolute folder, e.g. file:///var/cache/lscb, not {url!r}"
            )
        backend = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": unquote(parsed.path)}
    elif parsed.scheme == "dummy":
        backend = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    else:
        raise ImproperlyConfigured(f"LSCB_CACHE_URL must start locmem://, file:/// or dummy://, not {url!r}")
    # Printed plans are large; keep a day's worth and let the least used go first.
    return {"default": {**backend, "TIMEOUT": 24 * 3600, "OPTIONS": {"MAX_ENTRIES": 500}}}


SSO_PROVIDER_ID = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
SSO_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def sso_providers() -> list[dict]:
    """The single sign-on providers (README "Single sign-on"), from LSCB_SSO_PROVIDERS=council,nhsmail and,
    for each, LSCB_SSO_<ID>_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _NAME, _DOMAINS and the optional flags.

    A provider vouches only for the e-mail domains it lists, and one domain has one provider.
    """
    providers, owner_of = [], {}
    for provider_id in env_list("LSCB_SSO_PROVIDERS"):
        if not SSO_PROVIDER_ID.match(provider_id):
            raise ImproperlyConfigured(
                f"LSCB_SSO_PROVIDERS: {provider_id!r} must be lower-case letters, digits and hyphens, e.g. council"
            )
        prefix = f"LSCB_SSO_{provider_id.upper().replace('-', '_')}_"
        provider = {
            "id": provider_id,
            "issuer": env_str(prefix + "ISSUER").strip(),
            "client_id": env_str(prefix + "CLIENT_ID").strip(),
            "client_secret": env_str(prefix + "CLIENT_SECRET"),
            "name": env_str(prefix + "NAME").strip(),
            "domains": [domain.lower() for domain in env_list(prefix + "DOMAINS")],
            "mfa_enforced": env_bool(prefix + "MFA_ENFORCED", False),
            "required": env_bool(prefix + "REQUIRED", False),
            "trust_email": env_bool(prefix + "TRUST_EMAIL", False),
            "sign_algo": env_str(prefix + "SIGN_ALGO", "RS256").strip(),
            "scopes": env_str(prefix + "SCOPES", "openid email").strip(),
        }
        for key in ("issuer", "client_id", "client_secret", "name", "domains"):
            if not provider[key]:
                raise ImproperlyConfigured(f"{prefix}{key.upper()} is needed for single sign-on provider {provider_id}")
        issuer = urlparse(provider["issuer"])
        if issuer.scheme != "https" and not (issuer.scheme == "http" and issuer.hostname in LOOPBACK_HOSTS):
            raise ImproperlyConfigured(f"{prefix}ISSUER must be an https:// URL, not {provider['issuer']!r}")
        if provider["sign_algo"] not in {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256"}:
            raise ImproperlyConfigured(f"{prefix}SIGN_ALGO must be an asymmetric algorithm such as RS256")
        for domain in provider["domains"]:
            if not SSO_DOMAIN.match(domain):
                raise ImproperlyConfigured(
                    f"{prefix}DOMAINS: {domain!r} is not an e-mail domain such as council.gov.uk"
                )
            if domain in owner_of:
                raise ImproperlyConfigured(
                    f"{domain} is served by both {owner_of[domain]} and {provider_id}: choose one"
                )
            owner_of[domain] = provider_id
        providers.append(provider)
    return providers
