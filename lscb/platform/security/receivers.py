"""Receivers that feed the security log and keep sessions tied to their users.

Connected in LscbConfig.ready().
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db import DatabaseError, transaction
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from lscb.platform import sessions, sso
from lscb.platform.models import SecurityEvent, UserSession
from lscb.platform.security import EventKind, record_event, security_event

logger = logging.getLogger(__name__)


@receiver(security_event)
def keep_security_event(sender, kind, at, user_id, username, ip_address, path, details, **kwargs) -> None:
    """Persist the event. A database failure must not turn a sign-in into a 500: the JSON line is already out."""
    try:
        with transaction.atomic():
            SecurityEvent.objects.create(
                kind=kind, at=at, user_id=user_id, username=username, ip_address=ip_address, path=path, details=details
            )
    except DatabaseError:
        logger.exception("Could not store a %s security event; it is in the lscb.platform.security log", kind)


@receiver(user_logged_in)
def on_sign_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    sessions.start(request)
    if request.session.session_key:
        UserSession.objects.update_or_create(session_id=request.session.session_key, defaults={"user": user})
    signed_in_with = request.session.get(sso.SESSION_KEY)  # set before login by a provider's callback
    provider = {"provider": signed_in_with["provider"]} if isinstance(signed_in_with, dict) else {}
    record_event(request, EventKind.SIGN_IN, user=user, **provider)


@receiver(user_logged_out)
def on_sign_out(sender, request, user, **kwargs) -> None:
    # Django's logout flushes the session row itself, and UserSession goes with it (CASCADE).
    if user is not None and request is not None and not getattr(request, "_lscb_session_expired", False):
        record_event(request, EventKind.SIGN_OUT, user=user)


@receiver(user_login_failed)
def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")[:150]
    user = get_user_model()._default_manager.filter(username=username).first() if username else None
    record_event(request, EventKind.SIGN_IN_FAILED, user=user, username=username)


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    username = str(username or "")[:150]
    user = get_user_model()._default_manager.filter(username=username).first() if username else None
    record_event(request, EventKind.LOCKED_OUT, user=user, username=username)


def end_sessions_of(user) -> int:
    """Delete every session of `user` on the server: one query through UserSession, not a scan of all sessions."""
    keys = UserSession.objects.filter(user=user).values("session_id")
    deleted, per_model = Session.objects.filter(session_key__in=keys).delete()
    return per_model.get("sessions.Session", 0)


@receiver(post_save, sender=get_user_model())
def end_sessions_of_deactivated_user(sender, instance, created, **kwargs) -> None:
    if created or instance.is_active:
        return
    ended = end_sessions_of(instance)
    if ended:
        # The request of whoever deactivated the user (an administrator in the admin), when there is one.
        request = getattr(HistoricalRecords.context, "request", None)
        by = request.user.get_username() if request is not None and request.user.is_authenticated else ""
        record_event(request, EventKind.SESSIONS_ENDED, user=instance, sessions=ended, by=by)


@receiver(pre_delete, sender=get_user_model())
def end_sessions_of_deleted_user(sender, instance, **kwargs) -> None:
    end_sessions_of(instance)
