"""Upgrading a one-board deployment is `migrate` and nothing else (issue 13): the groups and Agency.leads
become memberships of the first board, named from LSCB_BOARD_NAME, and every review is its review."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reviews", "0003_boards"), ("assurance", "0003_boards")]
AFTER = [("reviews", "0005_board_required"), ("assurance", "0005_board_required")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_migrations():
    """Later tests on this database need every migration applied again, whatever happened here."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_migrations")
def test_the_groups_and_agency_leads_become_memberships_of_the_first_board(settings):
    settings.BOARD_NAME = "Southport Safeguarding Children Partnership"
    settings.PROTECTIVE_MARKING = "OFFICIAL"
    old = migrate(BEFORE)
    Board, Membership = old.get_model("reviews", "Board"), old.get_model("reviews", "Membership")
    Membership.objects.all().delete()
    old.get_model("reviews", "Review").objects.update(board=None)
    Board.objects.all().delete()  # as before issue 13: no board at all
    User, Group = old.get_model("auth", "User"), old.get_model("auth", "Group")
    Agency, Review = old.get_model("reviews", "Agency"), old.get_model("reviews", "Review")
    police, health = Agency.objects.create(name="Police"), Agency.objects.create(name="Health")
    review = Review.objects.create(slug="child-a", subject="Child A", title="Child A: review")
    people = {name: User.objects.create(username=name) for name in ("morgan", "priya", "sam", "jo", "nobody")}
    for name, group in [("morgan", "Business manager"), ("priya", "Subgroup chair"), ("sam", "Agency lead")]:
        people[name].groups.add(Group.objects.get_or_create(name=group)[0])
    police.leads.add(people["sam"])
    health.leads.add(people["sam"], people["jo"])  # jo is named a lead but was never in the group: no role

    new = migrate(AFTER)
    Board, Membership = new.get_model("reviews", "Board"), new.get_model("reviews", "Membership")
    (board,) = Board.objects.all()
    assert (board.name, board.slug, board.protective_marking) == (
        "Southport Safeguarding Children Partnership",
        "southport-safeguarding-children-partnership",
        "OFFICIAL",
    )
    assert new.get_model("reviews", "Review").objects.get(pk=review.pk).board_id == board.pk
    assert set(board.agencies.values_list("name", flat=True)) == {"Police", "Health"}
    held = {(m.user.username, m.role, frozenset(a.name for a in m.agencies.all())) for m in Membership.objects.all()}
    assert held == {
        ("morgan", "manager", frozenset()),
        ("priya", "chair", frozenset()),
        ("sam", "lead", frozenset({"Police", "Health"})),
    }
    assert not new.get_model("auth", "Group").objects.filter(name__in=["Business manager", "Agency lead"]).exists()
