"""A register file's rows for reviews that do not exist yet add them to the board in view (lscb/board/register.py),
checked by the review form; the file's bounds; and the same load from the command line (import_register)."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import client_for
from lscb.board import register
from lscb.board.plan_import import PlanFileError
from lscb.board.plan_import.reading import MAX_FILE_BYTES, MAX_ROWS
from reviews.models import Board, Milestone, Review

pytestmark = pytest.mark.django_db
URL = "/reviews/import/"
NEW = {
    "Web address name": "",
    "Reference": "CSPR 2026/09",
    "Title": "Child H: child safeguarding practice review",
    "Subject": "Child H",
    "Kind": "Child safeguarding practice review",
    "Status": "In progress",
    "Date commissioned": "02/11/2026",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo(client):
    """The demo deployment, its children's board's business manager signed in with that board in view."""
    call_command("seed_demo", stdout=io.StringIO())
    manager = get_user_model().objects.get(username="manager")
    return client_for(client, manager), manager, Board.objects.get(slug="nscp")


def exported(client) -> bytes:
    response = client.get("/reviews/?export=csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def with_rows(content: bytes, *new_rows: dict) -> bytes:
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), restval="")
    writer.writeheader()
    writer.writerows([*rows, *new_rows])
    return out.getvalue().encode()


def last_row(content: bytes) -> int:
    """The spreadsheet row number of the file's last row (the header is row 1)."""
    return len(list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))) + 1


def snapshot() -> list:
    return list(Review.objects.order_by("pk").values()) + list(Milestone.objects.order_by("pk").values())


def milestones_of(review: Review) -> list:
    return list(review.milestones.order_by("rule__key").values_list("rule__key", "due_on", "done_on"))


def confirm_fields(html: str) -> dict:
    return {name: re.search(rf'name="{name}" value="([0-9a-f]+)"', html).group(1) for name in ("token", "fingerprint")}


def test_the_demo_boards_register_loads_back_unchanged(demo):
    client, manager, board = demo
    before = snapshot()
    changes = register.load_register(board.pk, manager, exported(client), "register.csv")
    assert not changes.has_changes and changes.unchanged == Review.objects.on_boards([board.pk]).count()
    assert snapshot() == before


def test_a_new_row_adds_a_review_to_the_board_in_view_with_the_milestones_the_form_gives(demo):
    client, manager, board = demo
    content = with_rows(exported(client), NEW)
    preview = client.post(URL, {"plan_file": SimpleUploadedFile("register.csv", content)})
    html = preview.content.decode()
    assert "1 review to add, 0 to update" in html and "new review cspr-2026-09" in html
    assert "Child H: child safeguarding practice review" in html and not Review.objects.filter(subject="Child H")
    assert client.post(URL, confirm_fields(html)).status_code == 302
    added = Review.objects.get(slug="cspr-2026-09")  # made from the reference, as the form makes it
    assert added.board == board and added.kind == Review.Kind.CSPR and added.status == Review.Status.IN_PROGRESS
    assert added.history.latest().history_user == manager
    assert added.history.latest().history_change_reason == "Loaded from the register file register.csv"
    form_data = {"kind": "cspr", "reference": "CSPR 2026/10", "subject": "Child J", "title": "Child J: review"}
    client.post("/reviews/new/", {**form_data, "status": "in_progress", "commissioned_on": "02/11/2026"})
    by_form = Review.objects.get(slug="cspr-2026-10")
    assert milestones_of(added) and milestones_of(added) == milestones_of(by_form)
    assert register.compare(board.pk, manager, exported(client), "again.csv").unchanged == len(
        list(csv.DictReader(io.StringIO(exported(client).decode("utf-8-sig"))))
    )  # and the next export loads back unchanged


def test_a_new_row_with_a_problem_adds_nothing(demo):
    client, manager, board = demo
    bad = {**NEW, "Reference": "CSPR 2026/11", "Title": "", "Kind": "Inquiry", "Status": ""}
    content = with_rows(exported(client), NEW, bad)
    before = snapshot()
    with pytest.raises(PlanFileError) as error:
        register.load_register(board.pk, manager, content, "register.csv")
    row = last_row(content)
    assert [str(p) for p in error.value.problems] == [
        f'row {row}, column kind: "Inquiry" is not one of: ' + ", ".join(Review.Kind.labels),
    ]
    content = with_rows(exported(client), NEW, {**bad, "Kind": "Rapid review"})
    with pytest.raises(PlanFileError) as error:
        register.load_register(board.pk, manager, content, "register.csv")
    assert [str(p) for p in error.value.problems] == [
        f"row {row}, column title: Enter the review's title",
        f"row {row}, column status: enter the status: a new review needs it",
    ]
    assert snapshot() == before  # the good new row was not added either


def test_new_rows_are_checked_as_the_review_form_checks_them(demo):
    client, manager, board = demo
    rows = [
        NEW,
        {**NEW, "Title": "Another"},  # the same reference makes the same web address name
        {**NEW, "Web address name": "new", "Reference": "X"},
        {**NEW, "Web address name": "child-k", "Lead board": "Northbridge Safeguarding Adults Board"},
        {**NEW, "Web address name": "child-l", "Mandatory or discretionary": "Mandatory"},
        {**NEW, "Web address name": "child-m", "Coroner's response sent": "01/12/2026"},
    ]
    content = with_rows(exported(client), *rows)
    first = last_row(content) - len(rows) + 1
    with pytest.raises(PlanFileError) as error:
        register.compare(board.pk, manager, content, "register.csv")
    problems = [(p.row - first, p.column, p.message) for p in error.value.problems]
    assert problems == [
        (1, "web_address_name", f'"cspr-2026-09" is also on row {first}: give each review one row'),
        (2, "web_address_name", '"new" is reserved for the add-a-review page: choose a different name'),
        (
            3,
            "lead_board",
            "a new review is added to the board in view, Northbridge Safeguarding Children Partnership: "
            "leave this empty or name that board",
        ),
        (
            4,
            "mandatory_or_discretionary",
            'Choose "Not a safeguarding adult review" unless the kind is a safeguarding adult review',
        ),
        (5, "coroner's_response_sent", "leave this empty: the review is not a coroner's report"),
    ]


def test_a_file_over_the_plan_imports_size_is_refused(demo, tmp_path):
    client, manager, board = demo
    content = exported(client)
    big = content + b"," * (MAX_FILE_BYTES - len(content) + 1)
    with pytest.raises(PlanFileError, match="larger than 10 MB"):
        register.compare(board.pk, manager, big, "register.csv")
    path = tmp_path / "register.csv"
    path.write_bytes(big)
    with pytest.raises(CommandError, match="larger than 10 MB"):
        call_command("import_register", str(path), "--board", "nscp")


def test_a_file_over_the_plan_imports_rows_is_refused(demo):
    client, manager, board = demo
    rows = [{**NEW, "Web address name": f"child-{n}", "Reference": ""} for n in range(MAX_ROWS + 1)]
    before = snapshot()
    with pytest.raises(PlanFileError, match=f"more than {MAX_ROWS:,} rows"):
        register.load_register(board.pk, manager, with_rows(exported(client), *rows), "register.csv")
    assert snapshot() == before


def test_a_file_adding_more_reviews_than_one_request_writes_is_refused_before_any_is_checked(demo):
    client, manager, board = demo
    count = register.MAX_REVIEWS_WRITTEN + 1
    rows = [{**NEW, "Reference": f"CSPR 2027/{n}", "Subject": f"Child {n}"} for n in range(count)]
    before = snapshot()
    with pytest.raises(PlanFileError, match=f"adds {count} reviews; one file may add or change at most 100"):
        register.load_register(board.pk, manager, with_rows(exported(client), *rows), "register.csv")
    assert snapshot() == before
    rows.pop()  # the bound itself loads
    register.load_register(board.pk, manager, with_rows(exported(client), *rows), "register.csv")
    assert Review.objects.filter(reference__startswith="CSPR 2027/").count() == register.MAX_REVIEWS_WRITTEN


def test_a_file_changing_more_reviews_than_the_bound_is_refused(demo, monkeypatch):
    client, manager, board = demo
    rows = list(csv.DictReader(io.StringIO(exported(client).decode("utf-8-sig"))))
    for row in rows:
        row["NHS StEIS reference"] = f"2026/{row['Web address name']}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    monkeypatch.setattr(register, "MAX_REVIEWS_WRITTEN", len(rows) - 1)
    before = snapshot()
    with pytest.raises(PlanFileError, match=f"adds or changes {len(rows)} reviews"):
        register.load_register(board.pk, manager, out.getvalue().encode(), "register.csv")
    assert snapshot() == before


def test_the_command_previews_then_loads(demo, tmp_path, capsys):
    client, manager, board = demo
    path = tmp_path / "register.csv"
    content = exported(client)
    edited = content.replace(b"SCR 2025/01,", b"SCR 2025/01a,")
    path.write_bytes(with_rows(edited, NEW))
    before = snapshot()
    call_command("import_register", str(path), "--board", "nscp")
    out = capsys.readouterr().out
    assert "Reviews to add: 1\nReviews to update: 1\n" in out
    assert "update child-a\n  Reference: SCR 2025/01 -> SCR 2025/01a" in out
    assert "add cspr-2026-09" in out and "nothing was written" in out and snapshot() == before
    call_command("import_register", str(path), "--board", "nscp", "--commit", "--user", "manager")
    assert "Loaded register.csv into nscp: 1 review(s) added, 1 updated." in capsys.readouterr().out
    added = Review.objects.get(slug="cspr-2026-09")
    assert added.board == board and added.milestones.exists() and added.history.latest().history_user == manager
    assert Review.objects.get(slug="child-a").reference == "SCR 2025/01a"
    with pytest.raises(CommandError):  # loaded twice, the row with no web address name does not add it again
        call_command("import_register", str(path), "--board", "nscp", "--commit")
    assert 'the review "cspr-2026-09" has the reference "CSPR 2026/09"' in capsys.readouterr().err
    path.write_bytes(exported(client).replace(b"SCR 2025/01a,", b"SCR 2025/01b,"))
    call_command("import_register", str(path), "--board", "nscp", "--commit")
    assert Review.objects.get(slug="child-a").history.latest().history_user is None  # "the action tracker"


def test_the_command_names_every_problem_and_writes_nothing(demo, tmp_path, capsys):
    client, manager, board = demo
    path = tmp_path / "register.csv"
    path.write_bytes(with_rows(exported(client), {**NEW, "Subject": ""}, {**NEW, "Reference": "B", "Title": ""}))
    before = snapshot()
    for commit in ([], ["--commit"]):
        with pytest.raises(CommandError, match="register.csv was not loaded: 2 problem"):
            call_command("import_register", str(path), "--board", "nscp", *commit)
        err = capsys.readouterr().err
        assert "column subject: Enter the subject pseudonym" in err and "column title: Enter the review's title" in err
    assert snapshot() == before
    with pytest.raises(CommandError, match='There is no board "nowhere"'):
        call_command("import_register", str(path), "--board", "nowhere")
