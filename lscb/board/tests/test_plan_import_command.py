"""python manage.py import_plan: exit status, summary, every error, --dry-run, --create-review, --user."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections

from actions.models import Action
from lscb.board.tests.plan_import_support import DATA, SAMPLE_NAME, database_snapshot, sample_with
from reviews.models import PlanImport, Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db
SAMPLE = str(DATA / SAMPLE_NAME)


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_plan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def child_a(db):
    return ReviewFactory(slug="child-a", subject="Child A")


def test_import_prints_a_summary(child_a, manager):
    out, _ = run(SAMPLE, "--review", "child-a", "--user", "manager")
    assert "Agencies created: 8 (Children's Social Care; Northbridge Hospitals NHS Trust;" in out
    assert "Themes created: 9" in out
    assert "Recommendations: 14 created, 0 updated, 0 unchanged" in out
    assert "Actions: 15 created, 0 updated, 0 unchanged" in out
    assert "Assurance judgements recorded: 11" in out
    assert "Imported 15 rows into child-a" in out
    assert PlanImport.objects.get().imported_by == manager
    out, _ = run(SAMPLE, "--review", "child-a")
    assert "Actions: 0 created, 0 updated, 15 unchanged" in out
    assert "Nothing to change: child-a already matches the file" in out


def test_a_bad_file_prints_every_error_and_fails(child_a, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(sample_with(9, "due_date", "31/02/2026").replace(b"Not started", b"Parked"))
    before = database_snapshot()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="bad.csv was not imported: 2 problem"):
        call_command("import_plan", str(bad), "--review", "child-a", stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        'row 3, column status: "Parked" is not a status: use one of Not started, In progress, On hold, Completed, '
        "Completed and evidenced, Embedded, Not accepted, Superseded",
        'row 9, column due_date: "31/02/2026" is not a date (write dates as 31/03/2026, 31.03.2026 or 2026-03-31)',
    ]
    assert database_snapshot() == before


def test_dry_run_reports_and_writes_nothing(child_a):
    before = database_snapshot()
    out, _ = run(SAMPLE, "--review", "child-a", "--dry-run")
    assert "Actions: 15 created" in out and "Dry run: 15 rows checked, no problems found; nothing was written." in out
    assert database_snapshot() == before


def test_create_review_creates_the_review_only_when_the_slug_is_new(db):
    out, _ = run(SAMPLE, "--review", "child-a", "--create-review", "Child A: serious case review")
    review = Review.objects.get(slug="child-a")
    assert review.title == "Child A: serious case review" and review.subject == "Child A"
    assert Action.objects.filter(recommendation__review=review).count() == 15
    run(SAMPLE, "--review", "child-a", "--create-review", "Another title")
    assert Review.objects.get(slug="child-a").title == "Child A: serious case review"


def test_create_review_with_dry_run_creates_nothing(db):
    run(SAMPLE, "--review", "new-review", "--create-review", "New", "--dry-run")
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        ([SAMPLE, "--review", "no-such-review"], 'There is no review "no-such-review"'),
        (["/no/such/file.csv", "--review", "child-a"], "Cannot read /no/such/file.csv"),
        ([SAMPLE, "--review", "child-a", "--user", "nobody"], 'There is no user "nobody"'),
    ],
)
def test_command_errors_are_clear(child_a, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_exit_status_is_zero_on_success_and_non_zero_on_error(tmp_path, capsys, monkeypatch):
    """Through manage.py's own entry point, which turns a CommandError into the process's exit status."""
    # The entry point closes every connection when it ends; the test's transaction needs its connection.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(sample_with(9, "due_date", "31/02/2026"))

    execute_from_command_line(["manage.py", "import_plan", SAMPLE, "--review", "child-a", "--create-review", "A"])
    assert "Actions: 15 created" in capsys.readouterr().out  # returned normally: exit status 0

    with pytest.raises(SystemExit) as exit_status:
        execute_from_command_line(["manage.py", "import_plan", str(bad), "--review", "child-a"])
    assert exit_status.value.code == 1
    assert 'row 9, column due_date: "31/02/2026" is not a date' in capsys.readouterr().err
