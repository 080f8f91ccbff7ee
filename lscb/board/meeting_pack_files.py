"""The meeting pack written out by the worker (DESIGN.md §13): a tagged PDF (WeasyPrint, PDF/UA-1, as the printed
plan) and a Word document (python-docx, with the plan's page header and footer), from the same sections.

Every page of both carries the board's name, the pack's title and the protective marking; the footer has the
marking and "Page X of Y". A request records the pack and queues `write_meeting_pack`; nobody waits on a renderer.
"""

import io
import time

from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document

from actions.plan import html_to_pdf
from actions.plan import word as plan_word
from assurance.models import MeetingPack
from lscb.board import meeting_pack
from lscb.platform.tasks import PERSON_WAITING, enqueue_on_commit, task
from lscb.platform.values import long_date

CONTENT_TYPES = {
    "pdf": ("application/pdf", "inline"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
}


def write_pdf(pack: meeting_pack.Pack) -> bytes:
    html = render_to_string("board/meeting_pack_print.html", {"pack": pack, "sections": meeting_pack.sections(pack)})
    return html_to_pdf(html)


def write_docx(pack: meeting_pack.Pack) -> bytes:
    document = Document()
    plan_word._page(document, pack)  # A4 landscape; the board, the title and the marking on every page
    plan_word._properties(document, pack)
    plan_word._bold(document.add_paragraph(), pack.marking)
    document.add_paragraph(pack.board_name)
    document.add_heading(pack.title, level=0)
    _intro(document, pack)
    for number, section in enumerate(meeting_pack.sections(pack), 1):
        document.add_heading(f"{number}. {section.title}", level=1)
        document.add_paragraph(section.intro)
        for table in section.tables:
            _table(document, table, several=len(section.tables) > 1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _intro(document, pack: meeting_pack.Pack) -> None:
    facts = [
        ("Subgroup", pack.meeting.subgroup.name),
        ("Meeting", long_date(pack.meeting.held_on)),
        ("Reviews", ", ".join(review.title for review in pack.reviews)),
        ("Changes since", long_date(pack.since)),
        ("Due before", long_date(pack.until)),
    ]
    plan_word._facts(document, facts)
    document.add_paragraph(f"Generated {long_date(pack.generated_at)} by {pack.generated_by}").runs[
        0
    ].font.color.rgb = plan_word.GREY


def _table(document, table: meeting_pack.Table, several: bool) -> None:
    if several:
        document.add_heading(table.caption, level=2)
    if not table.rows:
        document.add_paragraph(table.empty)
        return
    grid = document.add_table(rows=1, cols=len(table.headings))
    grid.style = "Table Grid"
    plan_word._repeat_as_header(grid.rows[0])
    for cell, heading in zip(grid.rows[0].cells, table.headings, strict=True):
        plan_word._bold(cell.paragraphs[0], heading)
        plan_word._shade(cell, "DEE0E2")
    for row in table.rows:
        added = grid.add_row()
        plan_word._keep_together(added)
        for cell, value in zip(added.cells, row, strict=True):
            cell.text = value


def request_pack(user, meeting, reviews, since, until) -> MeetingPack:
    """Record the pack asked for and queue its writing once the record is committed."""
    pack = MeetingPack.objects.create(meeting=meeting, requester=user, since=since, until=until)
    pack.reviews.set(reviews)
    enqueue_on_commit(write_meeting_pack, pack.pk)
    return pack


@task(priority=PERSON_WAITING)
def write_meeting_pack(pack_id: int) -> float:
    """The worker writes the pack, PDF and Word, as its requester sees the board; the seconds it took."""
    record = MeetingPack.objects.select_related("requester", "meeting__subgroup__board").filter(pk=pack_id).first()
    if record is None or record.status != MeetingPack.Status.QUEUED:
        return 0.0
    started = time.monotonic()
    try:
        reviews = list(record.reviews.order_by("subject", "pk"))
        pack = meeting_pack.build(record.requester, record.meeting, reviews, record.since, record.until)
        record.pdf, record.docx = write_pdf(pack), write_docx(pack)
        record.status = MeetingPack.Status.READY
    except Exception:
        record.status = MeetingPack.Status.FAILED
        raise  # the failed task, with its error, is listed for the business manager
    finally:
        record.seconds = time.monotonic() - started
        record.finished_at = timezone.now()
        record.save(update_fields=["pdf", "docx", "status", "seconds", "finished_at"])
    return record.seconds
