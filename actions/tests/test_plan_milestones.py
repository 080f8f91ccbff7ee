"""The printed plan's first page shows the review's milestones (DESIGN.md §10): name, due, done and state, in the PDF
and in the Word plan, and a recorded milestone prints again rather than the cached plan."""

import datetime
import io
import subprocess

import pytest
from docx import Document

from actions import plan
from actions.tests import test_plan
from conftest import client_for, print_when_ready
from reviews.models import Milestone, Review, refresh_milestones

plan_review, renders = test_plan.plan_review, test_plan.renders
D = datetime.date


@pytest.fixture
def rapid_plan(plan_review):
    """Child Q as a rapid review: the Panel notified late (done late), the rapid review itself long overdue."""
    plan_review.kind = Review.Kind.RAPID
    plan_review.aware_on = D(2026, 3, 2)
    plan_review.panel_notified_on = D(2026, 3, 10)
    plan_review.save()
    refresh_milestones(plan_review)
    return plan_review


def first_page(pdf: bytes) -> str:
    """Page 1's text as pdftotext (poppler) lays it out, in reading order."""
    done = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_the_plans_first_page_shows_each_milestone_with_due_done_and_state(client, manager, rapid_plan):
    client_for(client, manager)
    page = first_page(print_when_ready(client, "/reviews/child-q/plan.pdf").content)
    assert "Milestones" in page
    lines = [" ".join(line.split()) for line in page.splitlines()]
    notify = next(line for line in lines if "Notify the national Panel" in line)
    assert "09/03/2026" in notify and "10/03/2026" in notify and "Done late" in notify
    rapid = next(line for line in lines if "Rapid review sent to the Panel" in line)
    assert "23/03/2026" in rapid and "Overdue" in rapid
    assert "Summary of 7 actions" in page  # the rest of the first page is still there


def test_the_word_plans_title_block_shows_the_milestones_before_the_first_page_break(client, manager, rapid_plan):
    client_for(client, manager)
    document = Document(io.BytesIO(print_when_ready(client, "/reviews/child-q/plan.docx").content))
    tables = document.tables
    milestones = next(t for t in tables if t.rows[0].cells[0].text == "Milestone")
    rows = [[cell.text for cell in row.cells] for row in milestones.rows[1:]]
    assert rows[0] == ["Notify the national Panel (through Ofsted's form)", "09/03/2026", "10/03/2026", "Done late"]
    assert rows[1][0] == "Rapid review sent to the Panel, with the decision" and rows[1][1:] == [
        "23/03/2026",
        "(none)",
        "Overdue",
    ]
    body = document.element.body
    page_break = next(i for i, el in enumerate(body) if 'w:type="page"' in el.xml.replace("'", '"'))
    assert list(body).index(milestones._tbl) < page_break  # on the title page, before the plan's table


def test_a_review_without_milestones_prints_no_milestone_table(manager, plan_review):
    plan_review.milestones.all().delete()
    assert "Milestones" not in plan.plan_html(plan.review_plan_document(plan_review, None, manager))


def test_recording_a_milestone_prints_the_plan_again(manager, rapid_plan, renders):
    plan.cached_plan(rapid_plan, None, manager)
    plan.cached_plan(rapid_plan, None, manager)
    assert len(renders) == 1
    milestone = Milestone.objects.get(review=rapid_plan, rule__key="rapid_review")
    milestone.note = "The Panel agreed more time."
    milestone.save()
    assert "Overdue" in first_page(plan.cached_plan(rapid_plan, None, manager))
    assert len(renders) == 2
