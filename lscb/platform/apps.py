from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """The floor every app stands on. Its label stays "lscb" so that existing databases keep their
    migrations and tables (lscb_securityevent, lscb_usersession) when upgrading."""

    name = "lscb.platform"
    label = "lscb"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from lscb.platform.security import receivers  # noqa: F401  (the security log and session receivers)
        from lscb.platform.tasks import retry_failed

        task_finished.connect(retry_failed, dispatch_uid="lscb.platform.tasks.retry_failed")
