"""Personal API tokens (DESIGN.md §14): made, named and revoked by their owner, kept only as a digest.

A token is `lscb_` and 43 random URL-safe characters (256 bits), shown once when it is made. Only
its SHA-256 digest is stored: a token is a long random secret, not a password, so one fast hash
is enough (as GitHub and PyPI store theirs), and it lets a request find its token by an indexed
lookup instead of trying a slow hash against every row. The first characters (`prefix`) are kept
in clear so the person can tell their tokens apart.

rest.py holds what Django REST framework asks for: the authentication class (every use and every
refusal goes to the security log), the permission class that asks the board's named permissions,
the per-token rate limit and the bounded pagination.
"""

import datetime
import hashlib
import secrets

from django.utils import timezone

from lscb.platform.models import ApiToken
from lscb.platform.security import EventKind, record_event

PREFIX = "lscb_"
# Longer than any token we make, shorter than anything that could hurt: a longer header is refused unread.
MAX_LENGTH = 100


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(request, name: str, expires_on: datetime.date) -> tuple[ApiToken, str]:
    """A new token for the signed-in person: the row, and the token itself (shown once, never stored)."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=request.user, name=name, prefix=raw[: len(PREFIX) + 6], digest=digest(raw), expires_on=expires_on
    )
    record_event(request, EventKind.API_TOKEN_CREATED, token=token.pk, name=name, expires_on=expires_on.isoformat())
    return token, raw


def revoke(request, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(request, EventKind.API_TOKEN_REVOKED, token=token.pk, name=token.name)


def refusal(raw: str, today: datetime.date) -> tuple[ApiToken | None, str]:
    """The token this string names and why it may not be used ("" when it may)."""
    if len(raw) > MAX_LENGTH or not raw.startswith(PREFIX):
        return None, "This is not an API token of this service."
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw)).first()
    if token is None:
        return None, "This API token is not known. Make a new one on your API tokens page."
    if token.revoked_at is not None:
        return token, "This API token has been revoked. Make a new one on your API tokens page."
    if token.expires_on < today:
        return token, f"This API token expired on {token.expires_on.isoformat()}."
        " Make a new one on your API tokens page."
    if not token.user.is_active:
        return token, "The account this API token belongs to is no longer active."
    return token, ""
