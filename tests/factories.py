"""factory_boy factories for the board's records. All data is fictional."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from actions.choices import ActionStatus
from actions.models import Action, ProgressUpdate
from assurance.models import AssuranceJudgement, AssuranceRequest, Evidence
from reviews import roles
from reviews.models import Agency, Board, Membership, Recommendation, Review, Theme

FIRST_BOARD = {
    "slug": "northbridge-safeguarding-children-partnership",
    "name": "Northbridge Safeguarding Children Partnership",
    "short_name": "NSCP",
}


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"board-{n}")
    name = factory.Sequence(lambda n: f"Board {n} Safeguarding Adults Board")
    short_name = factory.Sequence(lambda n: f"B{n}")
    kind = Board.Kind.ADULTS


def first_board() -> Board:
    """The board every test's records belong to unless it names another: the migrations' first board
    (made again after a transactional test emptied the tables)."""
    return Board.objects.order_by("pk").first() or BoardFactory(kind=Board.Kind.CHILDREN, **FIRST_BOARD)


_ROLE_CODES = {label: code for code, label in roles.ROLE_CHOICES}


def give_role(user, role: str, board: Board | None = None, agencies=()) -> Membership:
    """Make `user` a member of `board` (the first board by default) in `role` (a code or its label);
    an agency lead leads `agencies` there (added to any they already lead)."""
    code = _ROLE_CODES.get(role, role)
    membership, _ = Membership.objects.get_or_create(user=user, board=board or first_board(), role=code)
    if agencies:
        membership.agencies.add(*agencies)
    roles.forget(user)
    return membership


def make_lead(user, agency, board: Board | None = None) -> Membership:
    """`user` leads `agency` on `board` (the first board by default)."""
    return give_role(user, roles.LEAD, board, [agency])


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
    def role(self, create, extracted, board=None, agencies=(), **kwargs):
        """`role="Business manager"` (or a code), on the first board unless `role__board` names another."""
        if extracted:
            give_role(self, extracted, board, agencies)
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

    board = factory.LazyFunction(first_board)
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

    board = factory.LazyFunction(first_board)
    agency = factory.SubFactory(AgencyFactory)
    subject = "Request for assurance"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=28))
