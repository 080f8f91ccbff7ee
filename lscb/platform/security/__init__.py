"""The security log: sign-ins, refusals, downloads and other sensitive events.

Like reviews.roles, this module imports no app models, so every layer may call
it. assurance.services.record_download, which the evidence download view calls, records each download with::

    record_event(request, EventKind.EVIDENCE_DOWNLOAD, evidence=evidence.pk, file=file.pk, action=evidence.action_id)

Each event becomes one JSON line on the `lscb.platform.security` logger (for the
service's journal or a SIEM) and, through the `security_event` signal that
lscb/platform/security/receivers.py receives, a SecurityEvent row that managers read at
/audit/security/.
"""

import ipaddress
import json
import logging

from django.conf import settings
from django.db import models
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger("lscb.security")

#: Sent for every event with `kind`, `user_id`, `username`, `ip_address`, `path`, `details` and `at`.
security_event = Signal()


class EventKind(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"
    SIGN_OUT = "sign_out", "Signed out"
    SESSION_EXPIRED = "session_expired", "Session timed out"
    SESSIONS_ENDED = "sessions_ended", "Sessions ended (account deactivated)"
    TWO_FACTOR_SET_UP = "two_factor_set_up", "Two-factor sign-in set up"
    TWO_FACTOR_VERIFIED = "two_factor_verified", "Second factor accepted"
    TWO_FACTOR_FAILED = "two_factor_failed", "Second factor refused"
    BACKUP_CODES_CREATED = "backup_codes_created", "Backup codes created"
    PERMISSION_REFUSED = "permission_refused", "Permission refused (403)"
    NOT_FOUND = "not_found", "Out of scope or missing (404)"
    EVIDENCE_DOWNLOAD = "evidence_download", "Evidence downloaded"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    API_TOKEN_USED = "api_token_used", "API token used"
    API_TOKEN_REFUSED = "api_token_refused", "API token refused (401)"
    SSO_REFUSED = "sso_refused", "Single sign-on refused"


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the address our own proxy appended when LSCB_BEHIND_PROXY is on.

    Only the last X-Forwarded-For entry is trusted: it is the one our proxy added; earlier ones
    are whatever the client sent. Also django-axes' AXES_CLIENT_IP_CALLABLE.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    if getattr(settings, "LSCB_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def attempted_username(request, credentials: dict | None = None) -> str | None:
    """The username typed at a sign-in, cut to the longest a username can be: django-axes' AXES_USERNAME_CALLABLE.

    django-axes stores it in a 255-character column, and a longer one made the failed sign-in a 500
    on PostgreSQL. No user's name is longer than 150 characters, so the cut loses nothing that could match.
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username") if request is not None else None
    return None if username is None else str(username).replace("\x00", "")[:150]


def record_event(request, kind: str, *, user=None, username: str = "", **details) -> None:
    """Record one security event: a JSON line on `lscb.platform.security`, and a row through `security_event`.

    `user` defaults to the request's signed-in user; `username` names an attempted sign-in
    that matched no user. `details` must be JSON-serialisable (ids and short strings, never
    passwords, codes or case details).
    """
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    event = {
        "kind": str(kind),
        "at": timezone.now(),
        "user_id": user.pk if user is not None else None,
        "username": (user.get_username() if user is not None else username)[:150],
        "ip_address": client_ip(request),
        "path": request.path[:500] if request is not None else "",
        "details": details,
    }
    logger.info(json.dumps({"event": "security", **event, "at": event["at"].isoformat()}, default=str))
    security_event.send(sender=EventKind, **event)


def security_context(request) -> dict:
    """Whether two-factor sign-in is off (the demo says so on screen), and whether this session still owes
    its second factor (then the pages show no navigation it could not use)."""
    user = getattr(request, "user", None)
    pending = (
        settings.LSCB_REQUIRE_2FA
        and getattr(user, "is_authenticated", False)
        and not getattr(user, "is_verified", lambda: True)()
    )
    return {"two_factor_off": not settings.LSCB_REQUIRE_2FA, "two_factor_pending": pending}
