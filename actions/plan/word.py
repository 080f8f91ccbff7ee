"""The printed action plan in Word (DESIGN.md §5, §8 `plan.docx`): the PDF's content, order and marking.

Boards edit and publish plans in Word, so this is the same PlanDocument the PDF
prints (actions.plan.plan_document), written with python-docx: A4 landscape;
every page's header holds the board's name, the plan's title and the protective
marking, its footer the marking and "Page X of Y"; a title block and the summary;
then one Word table whose header row repeats on every page, an agency heading
row ("1. Cafcass") before that agency's rows, and rows that do not split across
pages. The marking is in the file's properties too (title, subject, keywords).
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from lscb.platform.values import NONE, long_date, short_date

COLUMNS = (
    ("No.", 1.6),
    ("Recommendation", 5.6),
    ("Action taken / progress", 6.6),
    ("Lead and due date", 3.2),
    ("Status (RAG)", 2.8),
    ("Assurance to the board", 6.0),
)
GREY = RGBColor(0x50, 0x5A, 0x5F)


def plan_docx(plan) -> bytes:
    """The plan (actions.plan.PlanDocument) as a Word document's bytes."""
    document = Document()
    _page(document, plan)
    _properties(document, plan)
    _title_block(document, plan)
    if plan.sections:
        _plan_table(document, plan)
    else:
        document.add_paragraph("There are no actions in this plan.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def heading_text(plan) -> str:
    """The running header's title: the PDF's, word for word."""
    if plan.review is None:
        return plan.title
    return f"{plan.subject} action plan" + (f": extract for {plan.agency.name}" if plan.agency else "")


def _page(document, plan) -> None:
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(9)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.2)
    section.top_margin, section.bottom_margin = Cm(1.7), Cm(1.5)
    header = section.header.paragraphs[0]
    header.text = f"{plan.board_name}\t{heading_text(plan)}\t"
    _bold(header, plan.marking)
    _tab_stops(header, section)
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    footer.add_run("\t")
    _bold(footer, plan.marking)
    footer.add_run(f"\tGenerated {long_date(plan.generated_at)} by {plan.generated_by}")
    _tab_stops(footer, section)


def _tab_stops(paragraph, section) -> None:
    """A centre stop and a right stop across the text width: left, centre and right parts of a line."""
    width = section.page_width - section.left_margin - section.right_margin
    stops = paragraph.paragraph_format.tab_stops
    stops.add_tab_stop(width // 2, alignment=1)  # WD_TAB_ALIGNMENT.CENTER
    stops.add_tab_stop(width, alignment=2)  # WD_TAB_ALIGNMENT.RIGHT


def _bold(paragraph, text: str):
    run = paragraph.add_run(text)
    run.bold = True
    return run


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    begin, instruction, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = code
    end.set(qn("w:fldCharType"), "end")
    run._r.extend([begin, instruction, end])


def _properties(document, plan) -> None:
    properties = document.core_properties
    properties.title = plan.title
    properties.subject = plan.marking
    properties.keywords = plan.marking
    properties.category = plan.marking
    properties.author = plan.board_name
    properties.language = "en-GB"
    properties.comments = f"{plan.marking}. Generated {long_date(plan.generated_at)} by {plan.generated_by}."


def _title_block(document, plan) -> None:
    _bold(document.add_paragraph(), plan.marking)
    document.add_paragraph(plan.board_name)
    _bold(document.add_paragraph(), heading_text(plan))
    document.add_heading(plan.review.title if plan.review else plan.title, level=0)
    if plan.agency:
        document.add_paragraph(f"Extract for {plan.agency.name}: this agency's actions only.")
    elif plan.review:
        document.add_paragraph("Action plan: every recommendation and action, grouped by agency.")
    else:
        document.add_paragraph("Actions selected in the action list.")
    if plan.review:
        _facts(document, _review_facts(plan.review))
    if plan.milestones:
        _milestones(document, plan.milestones)
    if plan.criteria is not None:
        document.add_heading("What this list holds", level=2)
        _facts(document, plan.criteria)
    generated = document.add_paragraph(f"Generated {long_date(plan.generated_at)} by {plan.generated_by}")
    generated.runs[0].font.color.rgb = GREY
    document.add_heading(f"Summary of {plan.total} action{'' if plan.total == 1 else 's'}", level=2)
    for caption, counts in (
        ("By status", plan.by_status),
        ("By assurance to the board", plan.by_assurance),
        ("By RAG status", [(label, n) for _, label, n in plan.by_rag]),
    ):
        _bold(document.add_paragraph(), caption)
        _facts(document, [(label, str(n)) for label, n in counts])
    document.add_paragraph(
        "RAG is worked out from status and due date: red overdue; amber due within 30 days or on hold; "
        "green on track or completed; blue embedded; grey not accepted or superseded."
    )
    document.add_page_break()


def _milestones(document, milestones) -> None:
    """The review's milestones (DESIGN.md §10) with their due and done dates and state, as on the PDF."""
    _bold(document.add_paragraph(), "Milestones")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, ("Milestone", "Due", "Done", "State"), strict=True):
        _bold(cell.paragraphs[0], heading)
    for milestone in milestones:
        due = short_date(milestone.due_on) + (" (extended)" if milestone.extended_to else "")
        values = (milestone.name, due, short_date(milestone.done_on), milestone.get_state_display())
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    document.add_paragraph()


def _review_facts(review) -> list[tuple[str, str]]:
    facts = [("Reference", review.reference)] if review.reference else []
    facts += [("Kind of review", review.get_kind_display()), ("Subject", f"{review.subject} (a pseudonym)")]
    if review.author:
        facts.append(("Independent author", review.author))
    if review.published_on:
        facts.append(("Published", short_date(review.published_on)))
    facts.append(("Review status", review.get_status_display()))
    if review.subgroup:
        facts.append(("Responsible subgroup", str(review.subgroup)))
    return facts


def _facts(document, rows: list[tuple[str, str]]) -> None:
    """A two-column table of label and value, as the PDF's definition lists."""
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        _bold(cells[0].paragraphs[0], label)
        cells[1].text = value
    document.add_paragraph()


def _plan_table(document, plan) -> None:
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    _repeat_as_header(header)
    # The widths once, on the grid and the header row (each cell's own width would double the time).
    for column, (_, width) in zip(table.columns, COLUMNS, strict=True):
        column.width = Cm(width)
    for cell, (heading, width) in zip(header.cells, COLUMNS, strict=True):
        cell.width = Cm(width)
        _bold(cell.paragraphs[0], heading)
        _shade(cell, "0B0C0C")
        cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    for section in plan.sections:
        row = table.add_row()
        _keep_together(row)
        merged = row.cells[0].merge(row.cells[-1])
        _bold(merged.paragraphs[0], f"{section.number}. {section.name}")
        _shade(merged, "DEE0E2")
        for plan_row in section.rows:
            _action_row(table, table.add_row(), plan_row)


def _action_row(table, row, plan_row) -> None:
    _keep_together(row)
    action = plan_row.action
    # The row's own cells: `row.cells` works them out from the whole table's grid, slow for a long plan.
    cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
    _bold(cells[0].paragraphs[0], plan_row.number)
    if plan_row.first_of_recommendation:
        cells[1].text = plan_row.recommendation
    else:
        cells[1].paragraphs[0].add_run(f"Further action on {plan_row.number}").font.color.rgb = GREY
    _bold(cells[2].paragraphs[0], action.description)
    if action.progress:
        cells[2].add_paragraph(action.progress)
    lead = [action.lead_officer or NONE, f"Due {short_date(action.due_date)}"]
    if action.completed_on:
        lead.append(f"Completed {short_date(action.completed_on)}")
    cells[3].text = "\n".join(lead)
    _bold(cells[4].paragraphs[0], plan_row.rag_label)
    cells[4].add_paragraph(action.get_status_display())
    if action.status_reason:
        cells[4].add_paragraph(action.status_reason).runs[0].font.color.rgb = GREY
    _bold(cells[5].paragraphs[0], action.get_assurance_level_display())
    if action.assurance_statement:
        cells[5].add_paragraph(action.assurance_statement)


def _row_property(row, name: str) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(name)
    element.set(qn("w:val"), "true")
    properties.append(element)


def _repeat_as_header(row) -> None:
    """Word repeats this row at the top of every page the table runs onto."""
    _row_property(row, "w:tblHeader")
    _row_property(row, "w:cantSplit")


def _keep_together(row) -> None:
    """A row does not split across pages unless it is taller than a page."""
    _row_property(row, "w:cantSplit")


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)
