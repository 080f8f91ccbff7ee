from django.apps import AppConfig


class LscbConfig(AppConfig):
    name = "lscb"
    verbose_name = "Board"

    def ready(self) -> None:
        from lscb import signals  # noqa: F401  (connects the security log and session receivers)
