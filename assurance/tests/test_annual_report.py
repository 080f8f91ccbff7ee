"""The annual report pack (DESIGN.md §11): built from the record, in the worker, as .docx and PDF."""

import datetime
import io
import os

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from actions.choices import ActionStatus
from actions.models import Action
from assurance import annual_report
from assurance.annual_report import SECTION_TITLES
from assurance.models import AnnualReport, AssuranceJudgement
from conftest import client_for, run_queued_tasks
from reviews import roles
from reviews.models import LearningActivity, LearningAttendance, Milestone, MilestoneRule
from tests.factories import (
    ActionFactory,
    BoardFactory,
    RecommendationFactory,
    ReviewFactory,
    UserFactory,
    first_board,
    give_role,
)

pytestmark = pytest.mark.django_db

REASON = "The service uses the partnership-wide form, which already asks these questions."
TODAY = datetime.date(2026, 12, 2)


def build(user, year: int, board=None):
    return annual_report.build(user, year, "financial", board or first_board())


def milestone(review, key: str, due_on, done_on=None) -> Milestone:
    rule = MilestoneRule.objects.create(kind=review.kind, key=f"test-{key}", name=f"Test {key}", order=90)
    return Milestone.objects.create(review=review, rule=rule, name=f"Test {key}", due_on=due_on, done_on=done_on)


@pytest.fixture
def board_year(agency_a, agency_b, manager):
    """Reviews concluded inside the financial year 2025 (April 2025 to March 2026) and outside it."""
    inside = ReviewFactory(slug="inside", subject="Child I", title="Child I: concluded in the year",
                           commissioned_on=datetime.date(2024, 6, 1), published_on=datetime.date(2025, 9, 1),
                           summary="Practitioners did not see the child alone.")  # fmt: skip
    before = ReviewFactory(slug="before", subject="Child B", title="Child B: concluded before",
                           commissioned_on=datetime.date(2023, 1, 1),
                           published_on=datetime.date(2024, 2, 1))  # fmt: skip
    ongoing = ReviewFactory(slug="ongoing", subject="Child O", title="Child O: still running",
                            commissioned_on=datetime.date(2025, 11, 1), published_on=None)  # fmt: skip
    refused = RecommendationFactory(review=inside, agency=agency_a, number="1.1", text="Add a triage question.",
                                    decision="not_accepted", decision_reason=REASON,
                                    decided_on=datetime.date(2025, 10, 1),
                                    decided_by="Case Review Subgroup")  # fmt: skip
    RecommendationFactory(review=inside, agency=agency_b, number="1.2", decision="accepted")
    for status in (ActionStatus.COMPLETED, ActionStatus.EVIDENCED, ActionStatus.EMBEDDED, ActionStatus.IN_PROGRESS):
        ActionFactory(recommendation=refused, status=status, description=f"Inside: {status}.")
    ActionFactory(recommendation=RecommendationFactory(review=before, agency=agency_a), status=ActionStatus.EMBEDDED)
    ActionFactory(recommendation=RecommendationFactory(review=ongoing, agency=agency_b), status=ActionStatus.COMPLETED)
    activity = LearningActivity.objects.create(
        board=first_board(), kind="event", held_on=datetime.date(2025, 12, 1), title="Learning event"
    )
    activity.reviews.add(inside)
    LearningAttendance.objects.create(activity=activity, agency=agency_a, attendees=30)
    LearningActivity.objects.create(
        board=first_board(), kind="event", held_on=datetime.date(2024, 12, 1), title="Last year's event"
    )
    action = Action.objects.filter(review=inside).first()
    AssuranceJudgement.objects.create(
        action=action, level="no_response", statement="None.", judged_on=datetime.date(2025, 7, 1)
    )
    return {"inside": inside, "before": before, "ongoing": ongoing}


def listed(client, url: str) -> int:
    """How many rows the product's own list shows at `url` (its caption or paginator count)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["paginator"].count


def test_the_packs_counts_equal_the_lists_they_cite(client, manager, board_year):
    pack = build(manager, 2025)
    assert [r.slug for r in pack.concluded] == ["inside"]
    assert [r.slug for r in pack.ongoing] == ["ongoing"]
    client = client_for(client, manager)
    for row in pack.actions:
        for figure in (row.total, row.completed, row.evidenced, row.impact_evidenced):
            assert figure.count == listed(client, figure.source), figure
    inside = next(row for row in pack.actions if row.review.slug == "inside")
    assert (inside.total.count, inside.completed.count, inside.evidenced.count, inside.impact_evidenced.count) == (
        4,
        3,
        2,
        1,
    )
    assert pack.learning_total.count == listed(client, pack.learning_total.source) == 1
    assert [rec.number for rec in pack.not_implemented] == ["1.1"]
    assert pack.assurance == [("Agency A (Children's Social Care)", [0, 0, 0, 1])]


def test_the_docx_holds_every_section_the_reasons_and_the_tables(manager, board_year):
    from assurance.annual_report_files import write_docx

    document = Document(io.BytesIO(write_docx(build(manager, 2025))))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for number, title in enumerate(SECTION_TITLES, start=1):
        assert f"{number}. {title}" in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Reasons: {REASON}" in text
    assert len(document.tables) >= 10
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Child I: concluded in the year" in cells and "Learning event" in cells


def test_the_pdfs_text_matches_the_docx(manager, board_year):
    from assurance.annual_report_files import write_pdf

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(write_pdf(build(manager, 2025)))).pages)
    text = " ".join(text.split())
    for number, title in enumerate(SECTION_TITLES, start=1):
        assert f"{number}. {title}" in text
    assert " ".join(f"Reasons: {REASON}".split()) in text
    assert "Child I: concluded in the year" in text


def test_every_short_cell_of_the_docx_is_in_the_pdf(manager, two_boards):
    """The same content: each table cell of the Word file (the notes' addresses aside, which the PDF wraps
    without a space) is in the PDF's text."""
    from assurance.annual_report_files import write_docx, write_pdf

    pack = build(manager, 2025)
    document = Document(io.BytesIO(write_docx(pack)))
    cells = {" ".join(cell.text.split()) for table in document.tables for row in table.rows for cell in row.cells}
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(write_pdf(pack))).pages)
    missing = [cell for cell in cells if cell and not cell.startswith("/") and cell not in text]
    assert not missing


@pytest.mark.parametrize(
    "persona, expected", [("manager", 303), ("chair", 303), ("lead_a", 403), ("outsider", 403), ("anonymous", 302)]
)
def test_who_may_ask_for_the_pack(client, personas, persona, expected):
    client = client_for(client, personas[persona]) if persona != "anonymous" else client
    assert client.get(reverse("assurance:annual-report")).status_code == (200 if expected == 303 else expected)
    response = client.get(reverse("assurance:annual-report"), {"year": "2025", "format": "docx"})
    assert response.status_code == expected
    assert AnnualReport.objects.count() == (1 if expected == 303 else 0)


def test_the_pack_is_written_by_the_worker_and_only_its_requester_downloads_it(
    client, manager, chair, board_year, django_capture_on_commit_callbacks
):
    requester = client_for(client, manager)
    with django_capture_on_commit_callbacks(execute=True):
        query = {"year": "2025", "format": "docx", "kind": "financial"}
        response = requester.get(reverse("assurance:annual-report"), query)
    progress = response["Location"]
    assert requester.get(progress).status_code == 202  # being prepared: nothing written in the request
    assert run_queued_tasks() == 1
    report = AnnualReport.objects.get()
    assert report.status == AnnualReport.Status.READY and report.seconds is not None
    download = requester.get(reverse("assurance:annual-report-download", args=[report.pk]))
    assert (
        download.status_code == 200
        and 'filename="annual-report-northbridge-safeguarding-children-partnership-2025-26.docx"'
        in download["Content-Disposition"]
    )
    Document(io.BytesIO(b"".join(download.streaming_content) if download.streaming else download.content))
    requester.logout()
    other = client_for(client, chair)
    assert other.get(progress).status_code == 404
    assert other.get(reverse("assurance:annual-report-download", args=[report.pk])).status_code == 404


@pytest.mark.parametrize(
    "query, message",
    [({"year": "1999", "format": "pdf"}, "The reporting year must be between 2000"),
     ({"year": "2025", "format": "odt"}, "Choose docx or pdf as the format"),
     ({"year": "twenty", "format": "pdf"}, "Enter the reporting year as 4 digits")],
)  # fmt: skip
def test_a_bad_request_says_why_and_queues_nothing(client, manager, query, message):
    response = client_for(client, manager).get(reverse("assurance:annual-report"), query)
    assert response.status_code == 400 and message in response.content.decode()
    assert AnnualReport.objects.count() == 0


def test_building_the_pack_takes_a_bounded_number_of_queries(manager, board_year, django_assert_max_num_queries):
    for n in range(20):
        RecommendationFactory(review=board_year["inside"], number=f"2.{n}", decision="not_accepted",
                              decision_reason="x", decided_on=datetime.date(2025, 5, 1))  # fmt: skip
    # roles; reviews; recommendations of concluded reviews; not implemented; themes; action counts; learning
    # (with attendance), its reviews, attendance by agency, learning by theme; judgements; milestones due.
    with django_assert_max_num_queries(13):
        pack = build(manager, 2025)
    assert len(pack.not_implemented) == 21


def test_a_board_of_10_reviews_and_500_actions_is_written_in_seconds(manager, agency_a, capsys):
    """The issue's measure: the worker's time (printed; README "Annual report pack"). The Word file by default;
    LSCB_PACK_FORMATS=docx,pdf measures the PDF too (about half a minute, so not on every run)."""
    from assurance.annual_report_files import write_annual_report

    for r in range(10):
        review = ReviewFactory(slug=f"r{r}", commissioned_on=datetime.date(2025, 5, 1),
                               published_on=datetime.date(2025, 12, 1) if r % 2 else None)  # fmt: skip
        for n in range(10):
            rec = RecommendationFactory(review=review, agency=agency_a, number=f"{n + 1}.1", decision="accepted")
            Action.objects.bulk_create(
                [
                    Action(
                        recommendation=rec,
                        review=review,
                        agency=agency_a,
                        description=f"Action {k}.",
                        status=ActionStatus.COMPLETED,
                    )
                    for k in range(5)
                ]  # fmt: skip
            )
    assert Action.objects.count() == 500
    seconds = {}
    for file_format in os.environ.get("LSCB_PACK_FORMATS", "docx").split(","):
        report = AnnualReport.objects.create(requester=manager, board=first_board(), year=2025, format=file_format)
        seconds[file_format] = write_annual_report.call(report.pk)
        report.refresh_from_db()
        assert report.status == AnnualReport.Status.READY
    with capsys.disabled():
        print(f"\nannual report pack, 10 reviews / 500 actions: {seconds}")
    assert all(s < 60 for s in seconds.values())


@pytest.fixture
def two_boards(board_year, manager, agency_a, agency_b):
    """Board B beside board A, both managed by `manager`: a review of board B alone, concluded inside the year, with
    actions, learning, a judgement and milestones that must stay out of board A's pack; and a joint review led by
    board B with board A as partner, which counts for both. Board A's review "inside" has milestones of each state."""
    board_b = BoardFactory(slug="board-b", name="Board B Safeguarding Adults Board", protective_marking="OFFICIAL")
    give_role(manager, roles.MANAGER, board_b)
    only_b = ReviewFactory(board=board_b, slug="only-b", subject="Adult B", title="Adult B: board B's alone",
                           commissioned_on=datetime.date(2024, 5, 1),
                           published_on=datetime.date(2025, 6, 1))  # fmt: skip
    joint = ReviewFactory(board=board_b, slug="joint", subject="Adult J", title="Adult J: joint review",
                          commissioned_on=datetime.date(2025, 4, 10), published_on=None)  # fmt: skip
    joint.partner_boards.add(first_board())
    rec_b = RecommendationFactory(review=only_b, agency=agency_a, number="1.1", decision="not_accepted",
                                  decision_reason="Board B's own reason.",
                                  decided_on=datetime.date(2025, 7, 1))  # fmt: skip
    for status in (ActionStatus.COMPLETED, ActionStatus.EMBEDDED):
        ActionFactory(recommendation=rec_b, status=status)
    ActionFactory(recommendation=RecommendationFactory(review=joint, agency=agency_b), status=ActionStatus.EVIDENCED)
    learning_b = LearningActivity.objects.create(
        board=board_b, kind="briefing", held_on=datetime.date(2025, 8, 1), title="Board B's briefing"
    )
    LearningAttendance.objects.create(activity=learning_b, agency=agency_b, attendees=99)
    AssuranceJudgement.objects.create(action=rec_b.actions.first(), level="full", statement="Board B's judgement.",
                                      judged_on=datetime.date(2025, 9, 1))  # fmt: skip
    milestone(only_b, "b", datetime.date(2025, 5, 1), datetime.date(2025, 5, 20))
    inside = board_year["inside"]
    milestone(inside, "on-time", datetime.date(2025, 5, 1), datetime.date(2025, 4, 28))
    milestone(inside, "late", datetime.date(2025, 6, 2), datetime.date(2025, 6, 30))
    milestone(inside, "overdue", datetime.date(2026, 3, 31))
    milestone(inside, "next-year", datetime.date(2026, 4, 1))
    return {**board_year, "board_b": board_b, "only_b": only_b, "joint": joint}


def test_a_boards_pack_counts_equal_its_lists_and_hold_nothing_of_another_board(client, manager, two_boards):
    """The pack of board A, for someone who also manages board B: every figure is the count of the list it cites
    (each naming board A), and board B's own review, actions, learning, decisions and judgements are left out."""
    pack = build(manager, 2025)
    assert pack.board_name == first_board().name
    assert [r.slug for r in pack.concluded] == ["inside"]
    assert [r.slug for r in pack.commissioned] == ["joint", "ongoing"]  # a joint review counts for its partner board
    assert sorted(r.slug for r in pack.ongoing) == ["joint", "ongoing"]
    client = client_for(client, manager)
    action_figures = [
        f for row in pack.actions for f in (row.total, row.completed, row.evidenced, row.impact_evidenced)
    ]
    for figure in [*pack.counts, *action_figures, pack.learning_total]:
        assert figure.count == listed(client, figure.source), figure
        assert "board=" in figure.source, figure
    assert [a.title for a in pack.learning] == ["Learning event"]
    assert [rec.number for rec in pack.not_implemented] == ["1.1"] and all(
        rec.review.slug == "inside" for rec in pack.not_implemented
    )
    assert pack.attendance_by_agency == [("Agency A (Children's Social Care)", 30)]
    assert [agency for agency, _counts in pack.assurance] == ["Agency A (Children's Social Care)"]
    assert sum(sum(counts) for _a, counts in pack.assurance) == 1
    assert {t.review.slug for t in pack.timeliness} == {"inside"}

    pack_b = build(manager, 2025, two_boards["board_b"])
    assert pack_b.board_name == "Board B Safeguarding Adults Board" and pack_b.protective_marking == "OFFICIAL"
    assert [r.slug for r in pack_b.concluded] == ["only-b"]
    assert [a.title for a in pack_b.learning] == ["Board B's briefing"]
    assert [rec.decision_reason for rec in pack_b.not_implemented] == ["Board B's own reason."]
    for figure in [*pack_b.counts, pack_b.learning_total]:
        assert figure.count == listed(client, figure.source), figure


def test_timeliness_counts_each_reviews_milestones_due_in_the_year(manager, two_boards):
    (row,) = build(manager, 2025).timeliness
    assert [f.count for f in row.figures] == [3, 1, 1, 1, 0]
    assert [m.name for m in row.milestones] == ["Test on-time", "Test late", "Test overdue"]
    assert row.overdue.source == (
        f"/milestones/?board={first_board().slug}&review=inside&due_after=2025-04-01&due_before=2026-03-31&state=overdue"
    )


def test_each_timeliness_count_is_the_count_of_the_milestone_list_it_cites(client, manager, two_boards):
    """Milestones due before the year, after it, and on another board's review are in neither the counts nor the
    lists they cite; "not yet due" cites two states at once."""
    inside = two_boards["inside"]
    milestone(inside, "last-year", datetime.date(2025, 3, 31), datetime.date(2025, 3, 1))
    milestone(inside, "year-end", datetime.date(2027, 3, 31))  # in the year 2026, not yet due (in 2026)
    pack_2026 = build(manager, 2026)
    client = client_for(client, manager)
    figures = [f for pack in (build(manager, 2025), pack_2026) for row in pack.timeliness for f in row.figures]
    assert [f.count for f in figures[:6]] == [3, 1, 1, 1, 0, 2]  # 2026: next-year and year-end
    for figure in figures:
        assert figure.count == listed(client, figure.source), figure
    assert "state=due_soon&state=on_time" in pack_2026.timeliness[0].not_yet_due.source


def test_the_packs_files_print_the_boards_name_and_marking_and_the_timeliness_table(manager, two_boards):
    from assurance.annual_report_files import write_docx, write_pdf

    board = first_board()
    pack = build(manager, 2025)
    document = Document(io.BytesIO(write_docx(pack)))
    assert document.sections[0].header.paragraphs[0].text == f"{board.protective_marking}  |  {board.name}"
    assert document.paragraphs[0].text == f"{board.name}. {board.protective_marking}"
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["Child I: concluded in the year", "3", "1", "1", "1", "0"] in rows
    assert ["Test late", "02/06/2025", "30/06/2025", "Done late"] in rows
    assert not any("Adult B" in cell for row in rows for cell in row)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(write_pdf(pack))).pages)
    assert f"{board.name}. {board.protective_marking}" in text
    assert "Child I: concluded in the year 3 1 1 1 0" in text
    assert "Adult B" not in text


@pytest.mark.parametrize(
    "persona, expected",
    [("manager_a", 303), ("scrutineer_a", 303), ("chair_a", 303), ("lead_a", 404), ("manager_b", 404)],
)
def test_only_the_boards_manager_chair_or_scrutineer_asks_for_its_pack(client, agency_a, persona, expected):
    board_a, board_b = first_board(), BoardFactory(slug="board-b")
    user = UserFactory(username=persona)
    role = {"manager_a": roles.MANAGER, "scrutineer_a": roles.SCRUTINEER, "chair_a": roles.CHAIR,
            "lead_a": roles.LEAD}.get(persona)  # fmt: skip
    if role:
        give_role(user, role, board_a, [agency_a] if role == roles.LEAD else [])
    give_role(user, roles.MANAGER, board_b)  # each may ask for board B's pack: never for board A's unless theirs
    response = client_for(client, user).get(
        reverse("assurance:annual-report"), {"board": board_a.slug, "year": "2025", "format": "pdf"}
    )
    assert response.status_code == expected
    assert list(AnnualReport.objects.values_list("board__slug", flat=True)) == (
        [board_a.slug] if expected == 303 else []
    )
