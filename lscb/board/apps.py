from django.apps import AppConfig


class BoardConfig(AppConfig):
    """The board's pages that compose the apps: dashboard, review pages, change log, plan import, demo."""

    name = "lscb.board"
    label = "board"
    verbose_name = "Board pages"

    def ready(self):
        from lscb.board import generations

        generations.connect()  # every tracked write bumps the generations of what it touches
