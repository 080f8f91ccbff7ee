"""Upgrading: the annual report packs asked for before a pack had a board become the first board's (issue 15)."""

import pytest

from reviews.tests.test_first_board_migration import back_to_the_latest_migrations, migrate  # noqa: F401  (fixture)
from tests.factories import FIRST_BOARD

BEFORE = [("assurance", "0007_papers_imported_judgements")]
AFTER = [("assurance", "0008_annual_report_board")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_migrations")
def test_a_pack_asked_for_before_boards_is_the_first_boards():
    old = migrate(BEFORE)
    boards = old.get_model("reviews", "Board").objects
    if not boards.exists():  # an earlier transactional test emptied the tables the migrations filled
        boards.create(**FIRST_BOARD)
    user = old.get_model("auth", "User").objects.create(username="manager-before")
    old.get_model("assurance", "AnnualReport").objects.create(requester_id=user.pk, year=2024, format="pdf")
    new = migrate(AFTER)
    first = new.get_model("reviews", "Board").objects.order_by("pk").first()
    (report,) = new.get_model("assurance", "AnnualReport").objects.filter(requester_id=user.pk)
    assert report.board_id == first.pk
