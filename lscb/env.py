"""Typed readers for settings taken from the environment.

A malformed value stops start-up with ImproperlyConfigured rather than
silently falling back, because a mistyped DEBUG or timeout in production
is worse than a server that refuses to start.
"""

import os
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
