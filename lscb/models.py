"""lscb's own models: the security log and session links (lscb/security_models.py)."""

from lscb.security_models import SecurityEvent, UserSession

__all__ = ["SecurityEvent", "UserSession"]
