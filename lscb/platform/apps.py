from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """The floor every app stands on. Its label stays "lscb" so that existing databases keep their
    migrations and tables (lscb_securityevent, lscb_usersession) when upgrading."""

    name = "lscb.platform"
    label = "lscb"
    verbose_name = "Platform"

    def ready(self) -> None:
        from lscb.platform.security import receivers  # noqa: F401  (the security log and session receivers)
