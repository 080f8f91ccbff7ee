from django.apps import AppConfig


class BoardConfig(AppConfig):
    """The board's pages that compose the apps: dashboard, review pages, change log, plan import, demo."""

    name = "lscb.board"
    label = "board"
    verbose_name = "Board pages"
