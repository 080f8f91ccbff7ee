"""Models behind the security log and session control. The security log and the links from sessions to their users."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models

from lscb.platform.security import EventKind
from lscb.platform.values import short_date


class SecurityEvent(models.Model):
    """One sensitive event: a sign-in, a failed sign-in, a lockout, a refusal, an evidence download.

    Written through lscb.platform.security.record_event, never edited: it is the board's security log.
    """

    kind = models.CharField(max_length=32, choices=EventKind.choices, db_index=True)
    at = models.DateTimeField(db_index=True)
    # The user, when the event belongs to one; `username` keeps the name typed at a failed sign-in.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.username or 'unknown'} – {short_date(self.at)}"


class UserSession(models.Model):
    """Links a signed-in session to its user, so deactivating the user ends exactly their sessions.

    Deleting the session (sign-out, expiry, `clearsessions`) deletes this row with it.
    """

    session = models.OneToOneField(Session, primary_key=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of user {self.user_id}"


class Generation(models.Model):
    """A counter that names one state of some data: the cache keys of the figures printed from that data.

    Bumped (lscb.platform.generations.bump) in the same transaction as the change, so a new number is
    never seen before the data it names, and a rollback takes it back. Kept in the database, so every
    process sees the same number the moment the change commits, whatever the cache backend.
    """

    name = models.CharField(max_length=100, primary_key=True)
    number = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.name}: {self.number}"
