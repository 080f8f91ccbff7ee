"""The meeting pack (issue 16): each section's content, the files the worker writes, and bad input."""

import datetime
import io
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from actions.choices import ActionStatus
from actions.models import Action
from assurance.models import Evidence, Meeting, MeetingPack, Subgroup
from conftest import assert_accessible_pdf, client_for, run_queued_tasks
from lscb.board import meeting_pack
from tests.factories import (
    ActionFactory,
    AssuranceRequestFactory,
    BoardFactory,
    EvidenceFactory,
    RecommendationFactory,
    ReviewFactory,
    first_board,
    give_role,
)

pytestmark = pytest.mark.django_db


def today():
    """Computed when asked (a run may cross midnight), never at import."""
    return timezone.localdate()


def _as_of(action: Action, days_ago: int) -> None:
    """Move every history row of the action `days_ago` days back: it has stood so since then."""
    Action.history.filter(id=action.pk).update(history_date=timezone.now() - datetime.timedelta(days=days_ago))


@pytest.fixture(name="meeting")
def meeting_fixture(db):
    subgroup = Subgroup.objects.create(board=first_board(), name="Case review subgroup")
    Meeting.objects.create(subgroup=subgroup, held_on=today() - datetime.timedelta(days=14))
    Meeting.objects.create(subgroup=subgroup, held_on=today() + datetime.timedelta(days=35))
    return Meeting.objects.create(subgroup=subgroup, held_on=today() + datetime.timedelta(days=7))


@pytest.fixture(name="story")
def story_fixture(review, action_a, action_b, agency_a, manager):
    """Child Q's actions a month ago; since the last meeting (14 days ago) action A was completed and its due
    date moved; action B, overdue, did not change. Another board's review holds an overdue action."""
    action_a.due_date = today() + datetime.timedelta(days=60)
    action_a.save()
    action_b.due_date = today() - datetime.timedelta(days=3)
    action_b.save()
    held = ActionFactory(
        recommendation=RecommendationFactory(review=review, agency=agency_a, number="1.2"),
        description="Pause the pilot.",
        status=ActionStatus.ON_HOLD,
        status_reason="Waiting for the new case system.",
        due_date=today() + datetime.timedelta(days=20),
    )
    for action in (action_a, action_b, held):
        _as_of(action, 30)
    action_a.status = ActionStatus.COMPLETED
    action_a.due_date = today() + datetime.timedelta(days=10)
    action_a.save()
    EvidenceFactory(action=action_a, title="Audit of visits, November")
    request = AssuranceRequestFactory(
        agency=agency_a, subject="Assurance on 1.1", due_on=today() - datetime.timedelta(days=2), sent_by=manager
    )
    request.actions.set([action_a])
    other = BoardFactory(slug="other-board", name="Other Safeguarding Adults Board")
    other_review = ReviewFactory(board=other, slug="adult-z", subject="Adult Z")
    ActionFactory(
        recommendation=RecommendationFactory(review=other_review, agency=agency_a),
        description="Another board's overdue action.",
        due_date=today() - datetime.timedelta(days=5),
    )
    return {"held": held}


def _build(manager, meeting, review) -> meeting_pack.Pack:
    since = meeting.previous().held_on
    return meeting_pack.build(manager, meeting, [review], since, meeting_pack.default_until(meeting))


def test_each_section_holds_what_the_subgroup_discusses(manager, meeting, review, action_a, action_b, story):
    pack = _build(manager, meeting, review)
    assert pack.until == today() + datetime.timedelta(days=35)  # the next meeting recorded
    assert [a.pk for a in pack.overdue] == [action_b.pk]
    assert [a.pk for a in pack.due] == [story["held"].pk]  # open and due before the next meeting
    assert [a.pk for a in pack.awaiting_evidence] == [action_a.pk]
    assert [e.title for e in pack.evidence] == ["Audit of visits, November"]
    assert [(a.pk, a.status_reason) for a in pack.reasons] == [(story["held"].pk, "Waiting for the new case system.")]
    assert [r.subject for r in pack.requests] == ["Assurance on 1.1"]
    assert pack.totals.total.count == 3 and pack.totals.overdue.count == 1
    assert [p.review.pk for p in pack.progress] == [review.pk]


def test_a_changed_action_shows_old_and_new_and_an_unchanged_one_does_not(manager, meeting, review, action_a, story):
    pack = _build(manager, meeting, review)
    assert [change.action.pk for change in pack.changed] == [action_a.pk]
    shown = {(f.label, f.before, f.after) for f in pack.changed[0].changes}
    assert ("Status", "In progress", "Completed") in shown
    assert ("Due date", (today() + datetime.timedelta(days=60)).strftime("%d/%m/%Y"),
            (today() + datetime.timedelta(days=10)).strftime("%d/%m/%Y")) in shown  # fmt: skip
    assert not any(f.label == "Assurance level" for f in pack.changed[0].changes)


def test_an_action_added_since_the_last_meeting_is_new(manager, meeting, review, agency_a):
    added = ActionFactory(recommendation=RecommendationFactory(review=review, agency=agency_a), description="New.")
    pack = _build(manager, meeting, review)
    assert [(c.action.pk, c.new) for c in pack.changed] == [(added.pk, True)]


def test_another_boards_actions_never_appear(manager, meeting, review, story):
    pack = _build(manager, meeting, review)
    text = repr([s.tables for s in meeting_pack.sections(pack)])
    assert "Another board's overdue action." not in text
    assert "Adult Z" not in text


def test_the_worker_writes_a_tagged_pdf_and_a_word_file_with_every_section(
    client, chair, manager, meeting, review, action_a, story, django_capture_on_commit_callbacks
):
    give_role(chair, "chair")
    client = client_for(client, chair)
    url = reverse("board:meeting-pack", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Case review subgroup" in page.content.decode()
    since = meeting.previous().held_on.strftime("%d/%m/%Y")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reviews": [review.pk], "since": since})
    assert response.status_code == 303
    pack = MeetingPack.objects.get()
    assert client.get(response["Location"]).status_code == 202  # being prepared
    assert run_queued_tasks() >= 1
    pack.refresh_from_db()
    assert pack.status == MeetingPack.Status.READY
    assert "Open the meeting pack (PDF)" in client.get(response["Location"]).content.decode()
    pdf = client.get(reverse("board:meeting-pack-pdf", args=[pack.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf) if pdf.streaming else pdf.content
    title = f"Meeting pack: Case review subgroup, {meeting.held_on.day} {meeting.held_on:%B} {meeting.held_on.year}"
    assert_accessible_pdf(content, title)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    words = " ".join(text.stdout.decode().split())
    for title_text in meeting_pack.SECTION_TITLES.values():
        assert title_text in words
    assert "Status: In progress → Completed" in words
    assert words.count(first_board().protective_marking) >= 2 * int(pdfinfo_pages(content))
    docx = client.get(reverse("board:meeting-pack-docx", args=[pack.pk]))
    document = Document(io.BytesIO(docx.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [h.split(". ", 1)[1] for h in headings if h[:1].isdigit()] == list(meeting_pack.SECTION_TITLES.values())
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any("Status: In progress → Completed" in cell for cell in cells)
    assert "Waiting for the new case system." in cells
    assert document.sections[0].header.paragraphs[0].text.endswith(first_board().protective_marking)


def pdfinfo_pages(content: bytes) -> str:
    shown = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return next(line.split(":")[1].strip() for line in shown.splitlines() if line.startswith("Pages:"))


def test_bad_input_is_refused_with_clear_messages(client, manager, meeting, review):
    client = client_for(client, manager)
    url = reverse("board:meeting-pack", args=[meeting.pk])
    response = client.post(url, {"since": "01/12/2026"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose at least one review for the meeting pack" in body and "<title>Error: " in body
    late = meeting.held_on.strftime("%d/%m/%Y")
    body = client.post(url, {"reviews": [review.pk], "since": late}).content.decode()
    assert "The date changes are counted from must be between 1 January 2000 and the day before the meeting" in body
    assert not MeetingPack.objects.exists()
    create = reverse("assurance:meeting-create", args=[meeting.subgroup.pk])
    response = client.post(create, {"held_on_day": "1", "held_on_month": "1", "held_on_year": "1990"})
    assert "The date of the meeting must be between 1 January 2000 and 31 December" in response.content.decode()
    response = client.post(create, {"held_on_day": "31", "held_on_month": "2", "held_on_year": "2027"})
    assert "Date of the meeting must be a real date" in response.content.decode()


def test_a_board_with_no_reviews_says_so_rather_than_offering_an_empty_pack(client, manager, meeting):
    body = client_for(client, manager).get(reverse("board:meeting-pack", args=[meeting.pk])).content.decode()
    assert "This board has no reviews yet" in body and "Prepare the meeting pack" not in body


def test_without_a_next_meeting_due_before_is_six_weeks_on(meeting):
    last = meeting.subgroup.meetings.order_by("-held_on").first()
    assert meeting_pack.default_until(last) == last.held_on + datetime.timedelta(weeks=6)


def test_evidence_awaiting_review_is_submitted_evidence_still_open(action_a):
    waiting = EvidenceFactory(action=action_a, title="Waiting")
    EvidenceFactory(action=action_a, title="Accepted", review_state=Evidence.ReviewState.ACCEPTED)
    EvidenceFactory(action=action_a, title="Withdrawn", withdrawn=True)
    assert list(Evidence.objects.awaiting_review()) == [waiting]
