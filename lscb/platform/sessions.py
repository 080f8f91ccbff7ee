"""Idle and absolute session timeouts.

Django's own expiry is a single cookie age; a board holding safeguarding data
also wants a session to end after LSCB_SESSION_IDLE_MINUTES without a request
and LSCB_SESSION_MAX_HOURS after sign-in, whatever the activity. Both are
checked on the server, on every request, from times kept in the session.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from lscb.platform.security import EventKind, record_event

SIGNED_IN_AT = "_lscb_signed_in_at"
SEEN_AT = "_lscb_seen_at"
# Writing the session on every request would cost a database write a page; a minute's slack is harmless.
SEEN_RESOLUTION_SECONDS = 60


def now() -> float:
    """Seconds since the epoch; tests move the clock by patching this."""
    return time.time()


def start(request) -> None:
    """Called at sign-in: both clocks start now."""
    request.session[SIGNED_IN_AT] = request.session[SEEN_AT] = now()


def expiry_reason(session) -> str | None:
    """Why the session has run out, or None while it is still good."""
    current = now()
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT, signed_in_at)
    if signed_in_at is None or seen_at is None:
        return None
    if current - signed_in_at > settings.LSCB_SESSION_MAX_HOURS * 3600:
        return "absolute"
    if current - seen_at > settings.LSCB_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


def cycle_key(request) -> None:
    """A new session key for the same signed-in session, still linked to its user (UserSession)."""
    from lscb.platform.models import UserSession

    request.session.cycle_key()
    if request.user.is_authenticated:
        UserSession.objects.update_or_create(
            session_id=request.session.session_key, defaults={"user_id": request.user.pk}
        )


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            if SIGNED_IN_AT not in request.session:
                # A session from before this middleware: its clocks start now.
                start(request)
            reason = expiry_reason(request.session)
            if reason:
                return self.sign_out(request, reason)
            if now() - request.session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_AT] = now()
        return self.get_response(request)

    def sign_out(self, request, reason: str):
        record_event(request, EventKind.SESSION_EXPIRED, reason=reason)
        request._lscb_session_expired = True
        logout(request)
        if reason == "idle":
            text = f"You were signed out after {settings.LSCB_SESSION_IDLE_MINUTES} minutes without activity."
        else:
            text = f"You were signed out because you signed in more than {settings.LSCB_SESSION_MAX_HOURS} hours ago."
        messages.info(request, f"{text} Sign in again to carry on.")
        return redirect_to_login(request.get_full_path())
