"""The plan in Word (`plan.docx`): the PDF's content, order and marking; the same permissions and worker."""

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from actions.tests import test_plan
from actions.tests.test_plan import PLAN, pdf_text
from conftest import client_for, print_when_ready
from tests.factories import BoardFactory, give_role

# The printed plan's fixtures: the same review and a count of WeasyPrint renders.
plan_review, renders = test_plan.plan_review, test_plan.renders

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word(content: bytes):
    return Document(io.BytesIO(content))


def plan_rows(document) -> list[str]:
    """The plan table's rows after its header, each as its first cell's text (agency headings and numbers)."""
    table = document.tables[-1]
    return [row.cells[0].text for row in table.rows[1:]]


def test_the_word_plan_holds_the_pdfs_rows_in_the_pdfs_order(client, chair, plan_review, settings):
    settings.BOARD_NAME = "Southport Safeguarding Children Partnership"
    client_for(client, chair)
    response = print_when_ready(client, "/reviews/child-q/plan.docx")
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="child-q-action-plan.docx"'
    rows = plan_rows(word(response.content))
    assert rows == [
        "1. Agency A (Children's Social Care)",
        "1.1",
        "1.1",
        "1.2",
        "1.9",
        "1.10",
        "2. Agency B (Police)",
        "2.1",
        "3. Board-wide and national recommendations",
        "3.1",
    ]
    table = word(response.content).tables[-1]
    descriptions = [
        row.cells[2].paragraphs[0].text for row in table.rows[1:] if row.cells[0].text[:1] != row.cells[2].text[:1]
    ]
    descriptions = [d for d in descriptions if not d[:1].isdigit()]
    assert len(descriptions) == 7
    printed, _ = pdf_text(print_when_ready(client, "/reviews/child-q/plan.pdf").content)
    positions = [printed.find(description) for description in descriptions]
    assert -1 not in positions and positions == sorted(positions), "the PDF prints the same actions in the same order"
    text = "\n".join(cell.text for row in table.rows for cell in row.cells)
    for _, _, recommendation, actions in PLAN:
        assert recommendation in text
        for description, statement in actions:
            assert description in text and statement in text


def test_the_word_plans_header_row_repeats_and_rows_do_not_split(client, manager, plan_review):
    document = word(print_when_ready(client_for(client, manager), "/reviews/child-q/plan.docx").content)
    table = document.tables[-1]
    header = table.rows[0]
    assert [cell.text for cell in header.cells] == [
        "No.",
        "Recommendation",
        "Action taken / progress",
        "Lead and due date",
        "Status (RAG)",
        "Assurance to the board",
    ]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert sum(row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows) == 1


def test_the_word_plan_carries_the_marking_on_every_page_and_in_its_properties(client, manager, plan_review):
    plan_review.board.protective_marking = "OFFICIAL-SENSITIVE PERSONAL"  # the review's board's marking
    plan_review.board.save()
    document = word(print_when_ready(client_for(client, manager), "/reviews/child-q/plan.docx").content)
    section = document.sections[0]
    assert section.page_width > section.page_height, "A4 landscape"
    assert "OFFICIAL-SENSITIVE PERSONAL" in section.header.paragraphs[0].text
    assert "Child Q action plan" in section.header.paragraphs[0].text
    assert "OFFICIAL-SENSITIVE PERSONAL" in section.footer.paragraphs[0].text
    properties = document.core_properties
    assert properties.title == "Child Q action plan" and properties.language == "en-GB"
    assert properties.subject == properties.keywords == "OFFICIAL-SENSITIVE PERSONAL"
    assert document.paragraphs[0].text == "OFFICIAL-SENSITIVE PERSONAL"


def test_a_word_extract_holds_one_agencys_rows_under_its_number_in_the_whole_plan(
    client, lead_b, agency_b, plan_review
):
    response = print_when_ready(client_for(client, lead_b), f"/reviews/child-q/plan.docx?agency={agency_b.pk}")
    assert response.status_code == 200
    document = word(response.content)
    assert plan_rows(document) == ["2. Agency B (Police)", "2.1"]
    assert "Child Q action plan: extract for Agency B (Police)" in document.sections[0].header.paragraphs[0].text
    assert document.core_properties.title == "Child Q action plan: extract for Agency B (Police)"


@pytest.mark.parametrize(
    "persona, which, status",
    [
        ("manager", "whole", 200),
        ("chair", "whole", 200),
        ("lead_a", "whole", 403),
        ("lead_a", "A", 200),
        ("lead_a", "B", 404),
        ("outsider", "whole", 404),
        ("anonymous", "whole", 302),
    ],
)
def test_the_word_plan_has_the_pdfs_permissions(
    client, personas, agency_a, agency_b, plan_review, persona, which, status
):
    query = {"whole": "", "A": f"?agency={agency_a.pk}", "B": f"?agency={agency_b.pk}"}[which]
    if persona != "anonymous":
        client_for(client, personas[persona])
    for kind in ("pdf", "docx"):
        assert print_when_ready(client, f"/reviews/child-q/plan.{kind}{query}").status_code == status


def test_one_worker_print_makes_both_the_pdf_and_the_word_file(client, manager, plan_review, renders):
    client_for(client, manager)
    assert print_when_ready(client, "/reviews/child-q/plan.docx").status_code == 200
    assert client.get("/reviews/child-q/plan.pdf").status_code == 200, "ready at once: printed beside the Word file"
    assert len(renders) == 1


def test_a_chair_of_another_board_cannot_print_the_whole_plan_where_they_only_lead(client, lead_a, plan_review):
    """Roles are per board: chairing board B gives no right to print board A's whole plan, in either format."""
    give_role(lead_a, "chair", BoardFactory(slug="adults"))
    client_for(client, lead_a)
    for kind in ("pdf", "docx"):
        assert print_when_ready(client, f"/reviews/child-q/plan.{kind}").status_code == 403
