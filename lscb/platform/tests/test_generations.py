"""Generation counters: bumped inside the writer's transaction, once per name until read, undone by a rollback."""

import pytest
from django.db import transaction

from lscb.platform import generations

pytestmark = pytest.mark.django_db


def test_a_name_never_bumped_reads_zero_and_a_bump_gives_it_a_number():
    assert generations.read(["review:1"]) == {"review:1": 0}
    generations.bump(["review:1"])
    first = generations.read(["review:1", "themes"])
    assert first["review:1"] != 0 and first["themes"] == 0
    generations.bump(["review:1"])
    assert generations.read(["review:1"])["review:1"] == first["review:1"] + 1


def test_many_rows_of_one_transaction_bump_each_name_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(5000):
            generations.bump(["review:7", "agencies"])
    before = generations.read_all()
    with django_assert_num_queries(1):  # read since: the next change needs a new number, once
        for _ in range(5000):
            generations.bump(["review:7"])
    assert generations.read_all()["review:7"] == before["review:7"] + 1


def test_collected_bumps_are_written_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1), generations.collected():
        generations.bump(["review:1"])
        generations.bump(["agencies", "themes"])
        generations.bump(["review:1"])
    assert all(generations.read(["review:1", "agencies", "themes"]).values())


def test_a_rolled_back_savepoint_takes_its_bump_back_and_a_later_change_bumps_again():
    generations.bump(["review:3"])
    start = generations.read(["review:3"])["review:3"]
    with pytest.raises(RuntimeError), transaction.atomic():
        generations.bump(["review:3"])
        raise RuntimeError("the change fails")
    with transaction.atomic():
        generations.bump(["review:3"])  # not taken for a name already bumped: that bump was undone
    assert generations.read(["review:3"])["review:3"] == start + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        generations.bump(["review:3"])
        raise RuntimeError("the change fails")
    assert generations.read(["review:3"])["review:3"] == start + 1


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_every_bump_commits_at_once():
    generations.bump(["themes"])
    generations.bump(["themes"])
    number = generations.read(["themes"])["themes"]
    generations.bump(["themes"])
    assert generations.read(["themes"])["themes"] == number + 1


def test_files_digest_changes_with_the_files(tmp_path):
    template = tmp_path / "plan.html"
    template.write_text("<p>one</p>")
    first = generations.files_digest([template])
    assert generations.files_digest([template]) == first
    template.write_text("<p>two</p>")
    assert generations.files_digest([template]) != first
