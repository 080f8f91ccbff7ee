import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from actions.choices import ActionStatus, Rag
from actions.models import Action
from lscb.board.management.commands.seed_demo import LEAD_OFFICERS
from lscb.board.management.commands.seed_demo import PLAUSIBLE_ASSURANCE as PLAUSIBLE
from reviews import roles
from reviews.models import DEADLINES_AHEAD_WORKING_DAYS, Agency, Board, Membership, Milestone, Review


def board_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"reviews", "actions", "assurance", "auth"}
    }


@pytest.mark.django_db
def test_seed_demo_builds_a_board_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = board_counts()
    out = capsys.readouterr().out
    call_command("seed_demo")
    assert board_counts() == first
    assert Agency.objects.count() >= 12
    assert Review.objects.count() >= 3
    assert len({r.kind for r in Review.objects.all()}) >= 3
    actions = list(Action.objects.all())
    assert 80 <= len(actions) <= 130
    assert {a.status for a in actions} == set(ActionStatus)
    assert {a.rag for a in actions} == set(Rag)
    assert all(a.recommendation.themes.exists() for a in actions)
    # Each action's assurance fits its status: nothing "Assured" before work has started.
    implausible = [(a.status, a.assurance_level) for a in actions if a.assurance_level not in PLAUSIBLE[a.status]]
    assert implausible == [], implausible
    # Each action is led by an officer of its own kind of agency: no named nurse leads a police action.
    for action in Action.objects.filter(recommendation__review__slug="child-b").select_related("agency"):
        assert action.lead_officer in LEAD_OFFICERS.get(action.agency.sector, LEAD_OFFICERS[None]), action
    for username in ["manager", "chair", "lead.csc", "lead.police", "sab.manager", "scrutineer"]:
        assert username in out
    lead_agencies = {a.name for a in Agency.objects.filter(lead_memberships__role=roles.LEAD)}
    assert len(lead_agencies) >= 3


@pytest.mark.django_db
def test_the_demo_has_two_boards_sharing_agencies_a_joint_review_and_a_person_on_both():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    children, adults = Board.objects.get(slug="nscp"), Board.objects.get(slug="nsab")
    assert Board.objects.count() == 2
    shared = set(children.agencies.all()) & set(adults.agencies.all())
    assert len(shared) >= 9
    joint = Review.objects.get(slug="family-e")
    assert joint.board == adults and list(joint.partner_boards.all()) == [children]
    both = {m.board.slug for m in Membership.objects.filter(user__username="manager")}
    assert both == {"nscp", "nsab"}
    assert Review.objects.filter(board=adults).count() == 2


@pytest.mark.django_db
def test_the_demo_has_milestones_one_overdue_and_one_due_soon_and_the_reviews_dates(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    today = timezone.localdate()
    assert all(review.milestones.exists() for review in Review.objects.all())
    children = Board.objects.get(slug="nscp")
    overdue = Milestone.objects.overdue(today).filter(review__board=children)
    assert [m.review.slug for m in overdue] == ["child-g"]  # the coroner's 56 days have passed
    due = Milestone.objects.due_within(today, DEADLINES_AHEAD_WORKING_DAYS).filter(review__board=children)
    assert [m.state for m in due] == [Milestone.State.DUE_SOON]  # child F's rapid review
    sar = Review.objects.get(slug="adult-d")
    assert sar.sar_basis == Review.SarBasis.MANDATORY and sar.aware_on and sar.decision_on
    assert Review.objects.get(slug="family-e").sar_basis == Review.SarBasis.DISCRETIONARY
    child_b = Review.objects.get(slug="child-b")
    assert child_b.ofsted_reference and child_b.publication_url.startswith("https://example.org/")
    client.force_login(get_user_model().objects.get(username="manager"))
    html = client.get("/dashboard/").content.decode()
    assert 'href="/reviews/?deadline=overdue"><strong>1' in html and 'href="/reviews/?deadline=due"><strong>1' in html


@pytest.mark.django_db
def test_the_demo_subgroup_has_a_past_and_a_next_meeting_and_a_pack_worth_reading():
    import datetime

    from django.utils import timezone

    from assurance.models import Subgroup
    from lscb.board import meeting_pack

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    subgroup = Subgroup.objects.get()
    assert subgroup.board.slug == "nscp"
    today = timezone.localdate()
    dates = sorted(subgroup.meetings.values_list("held_on", flat=True))
    assert dates[0] < today < dates[1]
    coming = subgroup.meetings.get(held_on=dates[1])
    manager = get_user_model().objects.get(username="manager")
    reviews = list(Review.objects.on_boards([subgroup.board_id]).exclude(status=Review.Status.CLOSED))
    pack = meeting_pack.build(manager, coming, reviews, dates[0], meeting_pack.default_until(coming))
    assert len(pack.changed) >= 3 and not any(change.new for change in pack.changed)
    assert pack.overdue and pack.due and pack.reasons
    assert dates[1] - dates[0] == datetime.timedelta(days=35)


@pytest.mark.django_db
def test_the_demo_has_a_request_gone_unanswered_and_chased_and_a_challenge_event():
    """The user guide's "Chase the agencies that have not answered" and "Challenge events" have something to show."""
    from assurance.models import AssuranceRequest, ChallengeEvent

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    children = Board.objects.get(slug="nscp")
    states = {request.state: request for request in AssuranceRequest.objects.filter(board=children)}
    assert set(states) == {AssuranceRequest.State.NO_RESPONSE, AssuranceRequest.State.OPEN}
    unanswered = states[AssuranceRequest.State.NO_RESPONSE]
    assert unanswered.chases.count() == 1 and unanswered.actions.exists()
    assert unanswered.chases.get().chased_by is not None  # a person, not "the action tracker"
    for action in unanswered.actions.all():
        assert action.agency_id == unanswered.agency_id and action.recommendation.review.board == children
    event = ChallengeEvent.objects.get(board=children)
    challenge = event.challenges.get()
    assert challenge.action.agency in event.agencies_invited.all()
