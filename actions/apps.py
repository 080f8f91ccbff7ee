from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"

    def ready(self):
        from django.db.models.signals import post_save

        from actions.models import keep_review_in_step
        from reviews.models import Recommendation

        post_save.connect(keep_review_in_step, sender=Recommendation, dispatch_uid="actions.keep_review_in_step")
