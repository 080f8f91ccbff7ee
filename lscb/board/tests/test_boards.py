"""Several boards in one deployment (issue 13, DESIGN.md §9): joint reviews, the board in view, moving
a review, memberships from the command line, imports onto a board, and mail per (board, agency)."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from assurance import services
from conftest import client_for
from lscb.platform.locking import latest_history_id
from reviews import roles
from reviews.models import Membership, Review
from tests.factories import (
    ActionFactory,
    BoardFactory,
    RecommendationFactory,
    ReviewFactory,
    UserFactory,
    first_board,
    give_role,
)
from tests.queue import worked

pytestmark = pytest.mark.django_db


@pytest.fixture
def adults():
    return BoardFactory(slug="nsab", name="Northbridge Safeguarding Adults Board", protective_marking="OFFICIAL")


@pytest.fixture
def adults_manager(adults):
    return UserFactory(username="sab.manager", role=roles.BUSINESS_MANAGER, role__board=adults)


def an_action(board, agency, slug: str, description: str) -> Action:
    review = ReviewFactory(board=board, slug=slug, subject=slug.title(), title=f"{slug.title()}: review")
    recommendation = RecommendationFactory(review=review, agency=agency, number="1.1")
    return ActionFactory(recommendation=recommendation, description=description)


def test_a_joint_review_is_seen_whole_by_both_boards_managers(client, manager, adults, adults_manager, agency_a):
    joint = an_action(adults, agency_a, "family-e", "Joint action on the family.")
    adults_only = an_action(adults, agency_a, "adult-d", "Adults only action.")
    joint.review.partner_boards.add(first_board())
    for person in (manager, adults_manager):
        page = client_for(client, person).get(reverse("board:review", args=["family-e"]))
        assert page.status_code == 200 and "Joint action on the family." in page.content.decode()
        assert client.get(reverse("actions:detail", args=[joint.pk])).status_code == 200
    # The children's partnership's manager reads the joint review, never the adults board's own.
    client_for(client, manager)
    assert client.get(reverse("board:review", args=["adult-d"])).status_code == 404
    assert client.get(reverse("actions:detail", args=[adults_only.pk])).status_code == 404
    assert client.get(reverse("reviews:edit", args=["adult-d"])).status_code == 404


def test_a_lead_on_the_adults_board_sees_none_of_the_childrens_actions_for_their_agency(
    client, adults, agency_a, action_a
):
    adults_lead = UserFactory(
        username="nht.adults", role=roles.AGENCY_LEAD, role__board=adults, role__agencies=[agency_a]
    )
    theirs = an_action(adults, agency_a, "adult-d", "Adult D trust action.")
    client_for(client, adults_lead)
    listed = client.get(reverse("actions:list")).content.decode()
    assert "Adult D trust action." in listed and action_a.description not in listed
    assert client.get(reverse("actions:detail", args=[action_a.pk])).status_code == 404
    assert client.get(reverse("actions:detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("board:review", args=[action_a.review.slug])).status_code == 404


def test_a_person_on_two_boards_switches_and_each_board_has_its_own_dashboard_and_lists(
    client, manager, adults, agency_a, action_a
):
    give_role(manager, roles.CHAIR, adults)
    an_action(adults, agency_a, "adult-d", "Adults board action.")
    client_for(client, manager)
    # Before any choice: the board they manage (the children's partnership), not the first by name.
    page = client.get(reverse("board:dashboard")).content.decode()
    assert "Switch board" in page and f"?board={adults.slug}" in page and "OFFICIAL-SENSITIVE" in page
    listed = client.get(reverse("actions:list")).content.decode()
    assert action_a.description in listed and "Adults board action." not in listed
    # The switcher's link: remembered in the session for every list after it.
    page = client.get(reverse("board:dashboard"), {"board": adults.slug}).content.decode()
    assert "Northbridge Safeguarding Adults Board</a>" in page and f"?board={first_board().slug}" in page
    assert "OFFICIAL</strong>" in page
    listed = client.get(reverse("actions:list")).content.decode()
    assert "Adults board action." in listed and action_a.description not in listed
    assert client.get(reverse("board:reviews")).context["rows"][0][0].board == adults
    # A board that is not theirs is no choice, and says nothing of what exists.
    assert client.get(reverse("board:dashboard"), {"board": "no-such-board"}).status_code == 404
    other = BoardFactory(slug="csp")
    assert client.get(reverse("actions:list"), {"board": other.slug}).status_code == 404


@pytest.mark.parametrize(
    ("user", "url"),
    [
        ("chair", "actions:list"),
        ("chair", "board:milestones"),
        ("chair", "reviews:learning-list"),
        ("chair", "board:audit"),
        ("lead_a", "actions:list"),
        ("lead_a", "assurance:lead-home"),
    ],
)
def test_someone_on_one_board_naming_another_board_gets_404_on_every_list(request, client, adults, user, url):
    """Not that list of their own board under an address that names a board they are not on."""
    client_for(client, request.getfixturevalue(user))
    assert client.get(reverse(url)).status_code == 200
    assert client.get(reverse(url), {"board": adults.slug}).status_code == 404


def test_the_dashboard_counts_only_the_board_in_view(client, manager, adults, agency_a, action_a):
    give_role(manager, roles.MANAGER, adults)
    for n in range(3):
        an_action(adults, agency_a, f"adult-{n}", f"Adults action {n}.")
    client_for(client, manager)
    adults_view = client.get(reverse("board:dashboard"), {"board": adults.slug}).context["board"]
    children_view = client.get(reverse("board:dashboard"), {"board": first_board().slug}).context["board"]
    assert adults_view.totals.total.count == 3 and children_view.totals.total.count == 1


def review_form(review, **changes) -> dict:
    data = {
        "seen": latest_history_id(review),
        "board": review.board_id,
        "kind": review.kind,
        "reference": review.reference,
        "slug": review.slug,
        "subject": review.subject,
        "title": review.title,
        "status": review.status,
    }
    return {**data, **changes}


def test_moving_a_review_takes_the_manager_of_both_boards_and_its_history_records_the_move(
    client, manager, adults, action_a
):
    review = action_a.review
    client_for(client, manager)
    # Manager of the children's partnership only: the adults board is no choice.
    response = client.post(reverse("reviews:edit", args=[review.slug]), review_form(review, board=adults.pk))
    assert response.status_code == 200 and "Choose a board you are the business manager of" in response.content.decode()
    assert Review.objects.get(pk=review.pk).board == first_board()
    # Manager of both: moved, and the history says from where to where.
    give_role(manager, roles.MANAGER, adults)
    response = client.post(reverse("reviews:edit", args=[review.slug]), review_form(review, board=adults.pk))
    assert response.status_code == 302
    moved = Review.objects.get(pk=review.pk)
    assert moved.board == adults
    latest, before = moved.history.all()[:2]
    assert (before.board_id, latest.board_id) == (first_board().pk, adults.pk)
    assert latest.history_user == manager


def test_a_partner_boards_manager_may_edit_a_joint_review_but_not_move_it(client, manager, adults, adults_manager):
    joint = ReviewFactory(board=first_board(), slug="family-e", subject="Family E", title="Family E: joint review")
    joint.partner_boards.add(adults)
    give_role(adults_manager, roles.CHAIR, BoardFactory(slug="csp"))  # a second board, so the choice is shown
    give_role(adults_manager, roles.MANAGER, BoardFactory(slug="csp2"))
    client_for(client, adults_manager)
    response = client.post(reverse("reviews:edit", args=["family-e"]), review_form(joint, board=adults.pk))
    assert "you are not the business manager of" in response.content.decode()
    assert Review.objects.get(pk=joint.pk).board == first_board()
    response = client.post(reverse("reviews:edit", args=["family-e"]), review_form(joint, title="Family E: renamed"))
    assert response.status_code == 302 and Review.objects.get(pk=joint.pk).title == "Family E: renamed"


def test_add_member_gives_a_role_and_nothing_else(adults, agency_a):
    person = UserFactory(username="new.lead")
    out = io.StringIO()
    call_command("add_member", "new.lead", "--board", "nsab", "--role", "lead", "--agency", agency_a.name, stdout=out)
    membership = Membership.objects.get(user=person)
    assert (membership.board, membership.role, list(membership.agencies.all())) == (adults, "lead", [agency_a])
    assert "new.lead is now Agency lead on Northbridge Safeguarding Adults Board" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ghost", "--board", "nsab", "--role", "chair"], 'There is no user "ghost"'),
        (["new.lead", "--board", "nope", "--role", "chair"], 'There is no board "nope"'),
        (["new.lead", "--board", "nsab", "--role", "boss"], 'There is no role "boss"'),
        (
            ["new.lead", "--board", "nsab", "--role", "lead", "--agency", "Nowhere"],
            "There is no agency named 'Nowhere'",
        ),
        (["new.lead", "--board", "nsab", "--role", "lead"], "leads at least one agency"),
        (["new.lead", "--board", "nsab", "--role", "chair", "--agency", "Nowhere"], "Only an agency lead"),
    ],
)
def test_add_member_refuses_what_does_not_exist_and_changes_nothing(adults, args, message):
    UserFactory(username="new.lead")
    with pytest.raises(CommandError, match=message):
        call_command("add_member", *args)
    assert not Membership.objects.filter(user__username="new.lead").exists()


def test_import_plan_creates_the_review_on_the_board_named(tmp_path, adults):
    plan = tmp_path / "plan.csv"
    plan.write_text("agency,number,recommendation\nPolice,1.1,Share records.\n")
    with pytest.raises(CommandError, match="several boards: give --board SLUG"):
        call_command("import_plan", str(plan), "--review", "adult-z", "--create-review", "Adult Z: SAR")
    assert not Review.objects.filter(slug="adult-z").exists()
    call_command(
        "import_plan", str(plan), "--review", "adult-z", "--create-review", "Adult Z: SAR", "--board", "nsab",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert Review.objects.get(slug="adult-z").board == adults
    with pytest.raises(CommandError, match="belongs to Northbridge Safeguarding Adults Board"):
        call_command("import_plan", str(plan), "--review", "adult-z", "--board", first_board().slug)


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return mail.outbox


def test_a_request_goes_to_the_agencys_leads_on_its_board_with_its_marking(manager, adults, agency_a, lead_a, outbox):
    adults_lead = UserFactory(username="adults.lead", email="adults.lead@example.org")
    give_role(adults_lead, roles.LEAD, adults, [agency_a])
    action = an_action(adults, agency_a, "adult-d", "Adults action.")
    give_role(manager, roles.MANAGER, adults)
    with worked():
        request = services.send_request(
            adults.pk, agency_a, [action], manager, subject="Assurance", message="", due_on=action.due_date
        )
    assert request.emailed_to == "adults.lead@example.org"  # not lead_a, the children's lead of the same agency
    (sent,) = outbox
    assert sent.subject == "[OFFICIAL] Assurance" and "Northbridge Safeguarding Adults Board" in sent.body


def test_a_lead_on_two_boards_gets_one_reminder_naming_each_board(adults, agency_a, action_a, outbox):
    from django.utils import timezone

    both = UserFactory(username="police.lead", email="police.lead@example.org")
    give_role(both, roles.LEAD, first_board(), [agency_a])
    give_role(both, roles.LEAD, adults, [agency_a])
    Action.objects.filter(pk=action_a.pk).update(due_date=timezone.localdate())
    adults_action = an_action(adults, agency_a, "adult-d", "Adults action due.")
    Action.objects.filter(pk=adults_action.pk).update(due_date=timezone.localdate())
    with worked():
        call_command("send_reminders", stdout=io.StringIO())
    (sent,) = [message for message in outbox if message.to == ["police.lead@example.org"]]
    assert f"({first_board().name})" in sent.body and "(Northbridge Safeguarding Adults Board)" in sent.body
    assert action_a.description[:40] in sent.body and "Adults action due." in sent.body


@pytest.fixture
def police_lead(adults, agency_a):
    """A lead for the same agency on both boards (the demo's lead.police)."""
    both = UserFactory(username="police.lead", email="police.lead@example.org")
    give_role(both, roles.LEAD, first_board(), [agency_a])
    give_role(both, roles.LEAD, adults, [agency_a])
    return both


def childrens_records(manager, agency_a, action_a) -> dict[str, str]:
    """A page of each kind of the children's partnership's records the police lead may open."""
    import datetime

    from assurance.models import AssuranceRequest, ChallengeEvent

    today = timezone.localdate()
    request = AssuranceRequest.objects.create(
        board=first_board(), agency=agency_a, subject="NSCP assurance on 1.1", due_on=today, sent_by=manager
    )
    request.actions.set([action_a])
    event = ChallengeEvent.objects.create(
        board=first_board(), title="Spring challenge", held_on=today - datetime.timedelta(days=1), chair="P Anand"
    )
    event.agencies_invited.set([agency_a])
    return {
        "review": reverse("board:review", args=[action_a.review.slug]),
        "action": reverse("actions:detail", args=[action_a.pk]),
        "request": reverse("assurance:request-detail", args=[request.pk]),
        "challenge event": reverse("assurance:challenge-detail", args=[event.pk]),
    }


def test_a_record_of_another_of_the_persons_boards_is_shown_under_its_own_boards_name_and_marking(
    client, manager, adults, agency_a, action_a, police_lead
):
    pages = childrens_records(manager, agency_a, action_a)
    client_for(client, police_lead)
    for kind, url in pages.items():
        client.get(reverse("board:dashboard"), {"board": adults.slug})  # the adults board in view
        page = client.get(url).content.decode()
        assert "OFFICIAL-SENSITIVE</strong>" in page and "OFFICIAL</strong>" not in page, kind
        assert f'homepage-link">{first_board().name}</a>' in page, kind
    # Opening it switched the board in view: the lists that follow are the record's board's.
    page = client.get(reverse("board:dashboard")).content.decode()
    assert "OFFICIAL-SENSITIVE</strong>" in page and f"?board={adults.slug}" in page


def test_a_joint_review_keeps_whichever_of_its_boards_is_in_view(client, adults, agency_a, police_lead):
    joint = an_action(adults, agency_a, "family-e", "Joint action on the family.")
    joint.review.partner_boards.add(first_board())
    client_for(client, police_lead)
    client.get(reverse("board:dashboard"), {"board": first_board().slug})
    assert "OFFICIAL-SENSITIVE</strong>" in client.get(reverse("actions:detail", args=[joint.pk])).content.decode()
    client.get(reverse("board:dashboard"), {"board": adults.slug})
    assert "OFFICIAL</strong>" in client.get(reverse("board:review", args=["family-e"])).content.decode()


def main_content(page: str) -> str:
    return page.split("<main")[1].split("</main>")[0]


def test_the_leads_work_queue_shows_the_board_in_view(client, manager, adults, agency_a, action_a, police_lead):
    Action.objects.filter(pk=action_a.pk).update(due_date=timezone.localdate())
    childrens_records(manager, agency_a, action_a)
    adults_action = an_action(adults, agency_a, "adult-d", "Adults action due.")
    Action.objects.filter(pk=adults_action.pk).update(due_date=timezone.localdate())
    client_for(client, police_lead)
    page = client.get(reverse("assurance:lead-home"), {"board": adults.slug}).content.decode()
    assert "Adults action due." in page and adults.name in main_content(page)
    assert action_a.description[:40] not in page and "NSCP assurance on 1.1" not in page
    page = client.get(reverse("assurance:lead-home"), {"board": first_board().slug}).content.decode()
    assert action_a.description[:40] in page and "NSCP assurance on 1.1" in page
    assert "Adults action due." not in page


def test_the_dashboard_names_only_the_agencies_led_on_the_board_in_view(client, adults, agency_a, agency_b):
    """A lead of the police on the adults board and of social care on the children's partnership: each
    board's dashboard says which agency its figures cover, and only that one."""
    both = UserFactory(username="two.hats")
    give_role(both, roles.LEAD, first_board(), [agency_a])
    give_role(both, roles.LEAD, adults, [agency_b])
    client_for(client, both)
    intro = main_content(client.get(reverse("board:dashboard"), {"board": adults.slug}).content.decode())
    assert f"You lead <strong>{agency_b.name}</strong>." in intro and agency_a.name not in intro
    intro = main_content(client.get(reverse("board:dashboard"), {"board": first_board().slug}).content.decode())
    assert "You lead <strong>Agency A (Children&#x27;s Social Care)</strong>." in intro
    assert agency_b.name not in intro
