"""Models behind the security log and session control. The security log and the links from sessions to their users."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone
from django_otp.models import Device

from lscb.platform.limits import Limit
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


class ApiTokenQuerySet(models.QuerySet):
    def live(self, today=None):
        """Neither revoked nor past its expiry date (a token works to the end of its last day, London time)."""
        return self.filter(revoked_at__isnull=True, expires_on__gte=today or timezone.localdate())


class ApiToken(models.Model):
    """A person's API token: lets a reporting tool (Power BI, a script) read the reporting API as that person.

    The person names it, sees it once when it is made, and may revoke it; only its SHA-256 digest is
    kept (lscb/platform/api_tokens). It sees exactly what its owner sees on the pages, never more.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “Power BI board report”.")
    # The first characters of the token, shown on the token page so a person can tell their tokens apart.
    prefix = models.CharField(max_length=16)
    digest = models.CharField("SHA-256 digest", max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(help_text="The last day the token works.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()
    TEXT_LIMITS = {"name": Limit(100, "The token's name")}

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SingleSignOnDevice(Device):
    """An organisation's sign-in service standing in as a person's second factor (README "Single sign-on").

    A session signed in through a provider is verified with this device only when the provider said it
    checked a second factor (`amr` includes "mfa") or is declared to enforce one. No code can be typed
    for it: the sign-in code page only ever asks an authenticator app or a backup code.
    """

    provider = models.CharField(max_length=31)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "provider"], name="one_sso_device_per_provider")]

    def verify_token(self, token) -> bool:
        return False


class CalendarFeed(models.Model):
    """A person's private calendar address (the deadlines feed, /calendar/<token>.ics): calendar clients cannot
    sign in, so the secret token in the address is the credential. Resetting replaces it; the old address
    then answers 404, and so does every address of a deactivated person."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
