"""The annual report pack written out: a Word document (python-docx, because boards edit and brand it) and a PDF
of the same content (the pack's HTML through WeasyPrint, as the printed plan). Both run in the worker only."""

import io
import time

from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from actions.plan import html_to_pdf
from assurance.annual_report import SECTION_TITLES, Pack, build, year_label
from assurance.models import AnnualReport
from lscb.platform.tasks import PERSON_WAITING, enqueue_on_commit, task
from lscb.platform.values import short_date

TIMELINESS_NOTE = (
    "The statutory milestones of each review that fell due in the year (extensions agreed included), as they stand "
    "now: done by the date due, done after it, overdue, or not yet due. The tracker's milestone list, filtered to the "
    "review, the year's dates due and the state, shows the same rows (the notes give each address)."
)
TIMELINESS_HEADINGS = ["Review", "Due in the year", "Done on time", "Done late", "Overdue", "Not yet due"]
BAR = "█"
BAR_WIDTH = 30


def bar(count: int, peak: int) -> str:
    """A text bar for the themes chart, the same in Word and PDF."""
    return BAR * (round(BAR_WIDTH * count / peak) if peak else 0)


def _table(document, headings: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)


def write_docx(pack: Pack) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    section = document.sections[0]  # the marking on every page, as on the printed plan
    section.header.paragraphs[0].text = f"{pack.protective_marking}  |  {pack.board_name}"
    section.footer.paragraphs[0].text = pack.protective_marking
    document.add_paragraph(f"{pack.board_name}. {pack.protective_marking}")
    document.add_heading(pack.title, 0)
    document.add_paragraph(f"Reporting year {year_label(pack.year, pack.kind)}: {pack.period}.")
    document.add_paragraph(
        f"Generated {short_date(pack.generated_at)} by {pack.generated_by}, from the tracker's record."
    )
    for index, title in enumerate(SECTION_TITLES):
        document.add_heading(f"{index + 1}. {title}", 1)
        SECTIONS[index](document, pack)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _reviews(document, pack: Pack) -> None:
    _table(document, ["Figure", "Number"], [[f.label, f.count] for f in pack.counts])
    for heading, reviews in (("Concluded in the year", pack.concluded), ("Ongoing at the year end", pack.ongoing)):
        document.add_heading(heading, 2)
        rows = [[r.reference or "", r.title, r.get_kind_display(), short_date(r.published_on)] for r in reviews]
        _table(document, ["Reference", "Review", "Kind", "Published"], rows or [["", "None", "", ""]])


def _findings(document, pack: Pack) -> None:
    if not pack.findings:
        document.add_paragraph("No review was concluded in the year.")
    for review, recommendations in pack.findings:
        document.add_heading(review.title, 2)
        document.add_paragraph(review.summary or "No summary of findings recorded.")
        rows = [
            [
                r.number,
                r.agency.name if r.agency else "Board-wide",
                r.text,
                r.get_decision_display() or "Not yet decided",
            ]
            for r in recommendations
        ]
        _table(document, ["No.", "Agency", "Recommendation", "Board's decision"], rows or [["", "", "None", ""]])


def _actions(document, pack: Pack) -> None:
    document.add_paragraph(
        "Completed: the agency says it is done. Evidenced: the board has seen evidence. Impact evidenced: an impact "
        "evaluation showed practice changed. Actions of the reviews concluded in the year or ongoing at its end."
    )
    rows = [
        [a.review.title, a.total.count, a.completed.count, a.evidenced.count, a.impact_evidenced.count]
        for a in pack.actions
    ]
    _table(
        document, ["Review", "Actions", "Completed", "Evidenced", "Impact evidenced"], rows or [["None", 0, 0, 0, 0]]
    )


def _not_implemented(document, pack: Pack) -> None:
    if not pack.not_implemented:
        document.add_paragraph("The board decided to implement every recommendation decided in the year.")
    for rec in pack.not_implemented:
        document.add_heading(f"{rec.review.title}, recommendation {rec.number}: {rec.get_decision_display()}", 2)
        document.add_paragraph(rec.text)
        document.add_paragraph(f"Reasons: {rec.decision_reason}")
        document.add_paragraph(f"Decided by {rec.decided_by or 'the board'} on {short_date(rec.decided_on)}.")


def _learning(document, pack: Pack) -> None:
    rows = [
        [
            short_date(a.held_on),
            a.get_kind_display(),
            a.title,
            ", ".join(r.subject for r in a.reviews.all()),
            a.attendees or 0,
        ]
        for a in pack.learning
    ]
    _table(document, ["Date", "Kind", "Title", "Reviews", "Practitioners"], rows or [["", "", "None", "", 0]])
    document.add_heading("Attendance by agency", 2)
    _table(document, ["Agency", "Practitioners"], [list(row) for row in pack.attendance_by_agency] or [["None", 0]])


def _themes(document, pack: Pack) -> None:
    document.add_paragraph("Recommendations of the reviews concluded or ongoing, and learning activities in the year.")
    _table(
        document,
        ["Theme", "Recommendations", "Learning activities"],
        [list(t) for t in pack.themes] or [["None", 0, 0]],
    )
    document.add_heading("Chart: recommendations by theme", 2)
    peak = max((n for _t, n, _l in pack.themes), default=0)
    for theme, n, _learning in pack.themes:
        document.add_paragraph(f"{bar(n, peak)} {n}  {theme}")


def _assurance(document, pack: Pack) -> None:
    headings = ["Agency", *[label for _v, label in pack.assurance_levels]]
    rows = [[agency, *counts] for agency, counts in pack.assurance]
    _table(document, headings, rows or [["None", *[0] * len(pack.assurance_levels)]])


def _timeliness(document, pack: Pack) -> None:
    document.add_paragraph(TIMELINESS_NOTE)
    rows = [[t.review.title, *[figure.count for figure in t.figures]] for t in pack.timeliness]
    _table(document, TIMELINESS_HEADINGS, rows or [["None", 0, 0, 0, 0, 0]])
    for t in pack.timeliness:
        document.add_heading(t.review.title, 2)
        _table(
            document,
            ["Milestone", "Due", "Done", "State"],
            [[m.name, short_date(m.due_on), short_date(m.done_on), m.get_state_display()] for m in t.milestones],
        )


def _notes(document, pack: Pack) -> None:
    document.add_paragraph("Each figure is the count of a filtered list in the tracker, at the address given.")
    _table(document, ["Figure", "Number", "List in the tracker"], [[f.label, f.count, f.source] for f in pack.sources])


SECTIONS = [_reviews, _findings, _actions, _not_implemented, _learning, _themes, _assurance, _timeliness, _notes]


def write_pdf(pack: Pack) -> bytes:
    peak = max((n for _t, n, _l in pack.themes), default=0)
    chart = [(theme, n, round(100 * n / peak, 1) if peak else 0) for theme, n, _l in pack.themes]
    html = render_to_string(
        "assurance/annual_report_print.html",
        {
            "pack": pack,
            "titles": SECTION_TITLES,
            "chart": chart,
            "timeliness_note": TIMELINESS_NOTE,
            "timeliness_headings": TIMELINESS_HEADINGS,
        },
    )
    return html_to_pdf(html)


WRITERS = {"docx": write_docx, "pdf": write_pdf}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def request_report(user, board_id: int, year: int, kind: str, file_format: str) -> AnnualReport:
    """Record the request and queue its writing once the record is committed."""
    report = AnnualReport.objects.create(requester=user, board_id=board_id, year=year, kind=kind, format=file_format)
    enqueue_on_commit(write_annual_report, report.pk)
    return report


@task(priority=PERSON_WAITING)
def write_annual_report(report_id: int) -> float:
    """The worker writes the pack as its requester would see the record; the seconds it took."""
    report = AnnualReport.objects.select_related("requester", "board").filter(pk=report_id).first()
    if report is None or report.status != AnnualReport.Status.QUEUED:
        return 0.0
    started = time.monotonic()
    try:
        pack = build(report.requester, report.year, report.kind, report.board)
        report.content = WRITERS[report.format](pack)
        report.status = AnnualReport.Status.READY
    except Exception:
        report.status = AnnualReport.Status.FAILED
        raise  # the failed task, with its error, is listed for the business manager
    finally:
        report.seconds = time.monotonic() - started
        report.finished_at = timezone.now()
        report.save(update_fields=["content", "status", "seconds", "finished_at"])
    return report.seconds
