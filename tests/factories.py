"""factory_boy factories for the board's records. All data is fictional."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from actions.choices import ActionStatus
from actions.models import Action, ProgressUpdate
from assurance.models import AssuranceJudgement, AssuranceRequest, Evidence
from reviews.models import Agency, Recommendation, Review, Theme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        self.save()


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"A{n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Theme {n}")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    slug = factory.Sequence(lambda n: f"review-{n}")
    subject = factory.Sequence(lambda n: f"Child {n}")
    title = factory.LazyAttribute(lambda r: f"{r.subject}: serious case review")
    kind = Review.Kind.SCR
    status = Review.Status.PLAN_OPEN
    commissioned_on = datetime.date(2025, 1, 15)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    review = factory.SubFactory(ReviewFactory)
    agency = factory.SubFactory(AgencyFactory)
    number = factory.Sequence(lambda n: f"1.{n + 1}")
    text = factory.Sequence(lambda n: f"Recommendation text {n}.")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    recommendation = factory.SubFactory(RecommendationFactory)
    agency = factory.LazyAttribute(lambda a: a.recommendation.agency)
    description = factory.Sequence(lambda n: f"Action description {n}.")
    lead_officer = "Head of Safeguarding"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
    status = ActionStatus.IN_PROGRESS


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    text = "Work is under way."


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Evidence {n}")
    narrative = "Audit results."


class AssuranceJudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssuranceJudgement

    action = factory.SubFactory(ActionFactory)
    level = "assured"
    statement = "The board has been assured that the action is complete."


class AssuranceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssuranceRequest

    agency = factory.SubFactory(AgencyFactory)
    subject = "Request for assurance"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=28))
