from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self) -> None:
        from reviews import permissions

        permissions.register()
        post_migrate.connect(seed_milestone_rules, sender=self)


def seed_milestone_rules(sender, using="default", **kwargs) -> None:
    """After migrate or a flush: the default milestone rules, if the table is empty."""
    from django.db import connections

    from reviews.milestone_rules import seed_default_rules
    from reviews.models import MilestoneRule

    if MilestoneRule._meta.db_table in connections[using].introspection.table_names():  # not migrated back
        seed_default_rules(MilestoneRule)
