"""The printed action plan (DESIGN.md §5): content and order, extracts, permissions, caching."""

import io
import re

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader
from simple_history.utils import bulk_update_with_history

from actions import plan as plan_pdf
from actions.choices import ActionStatus, AssuranceLevel
from actions.models import Action
from assurance.services import record_judgement
from conftest import assert_accessible_pdf, client_for, print_when_ready, run_queued_tasks
from reviews.models import Recommendation
from tests.factories import ActionFactory, AgencyFactory, RecommendationFactory, ThemeFactory

PERSONAS = ["manager", "chair", "lead_a", "lead_b", "outsider", "anonymous"]


@pytest.fixture
def renders(monkeypatch):
    """Counts real WeasyPrint renders."""
    calls = []
    real = plan_pdf.html_to_pdf

    def counting(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(plan_pdf, "html_to_pdf", counting)
    return calls


def pdf_text(content: bytes) -> tuple[str, list[str]]:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    return " ".join(" ".join(pages).split()), pages


# (agency, number, recommendation text, [(action, assurance statement)]) in a jumbled creation order.
PLAN = [
    ("B", "2.1", "Agency B should check every adult in the home.", [("Amend the triage checklist.", "")]),
    ("A", "1.10", "Agency A should audit missed appointments.", [("Audit was-not-brought cases.", "")]),
    ("A", "1.2", "Agency A should record fathers' details.", [("Add a field for fathers.", "")]),
    (None, "3.1", "The board should write to the national panel.", [("Send the letter.", "")]),
    (
        "A",
        "1.1",
        "Agency A should see the child alone.",
        [
            ("Revise the visit template.", "The board has been assured that the template is in use."),
            ("Train social workers.", "The board has been assured that 92% of staff were trained."),
        ],
    ),
    ("A", "1.9", "Agency A should supervise complex cases.", [("Monthly reflective supervision.", "")]),
]


@pytest.fixture
def plan_review(review, agency_a, agency_b):
    agencies = {"A": agency_a, "B": agency_b, None: None}
    for key, number, text, actions in PLAN:
        rec = RecommendationFactory(review=review, agency=agencies[key], number=number, text=text)
        for description, statement in actions:
            ActionFactory(
                recommendation=rec,
                description=description,
                assurance_statement=statement,
                assurance_level=AssuranceLevel.ASSURED if statement else AssuranceLevel.AWAITING,
            )
    return review


def rename_board(review, name: str = "Southport Safeguarding Children Partnership", marking: str | None = None):
    """The plan carries its review's lead board's name and marking (issue 13)."""
    board = review.board
    board.name = name
    board.protective_marking = marking or board.protective_marking
    board.save()


def test_plan_prints_every_recommendation_in_order_under_its_agency(client, chair, plan_review):
    rename_board(plan_review)
    response = print_when_ready(client_for(client, chair), "/reviews/child-q/plan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, pages = pdf_text(response.content)
    expected = [
        "1. Agency A (Children's Social Care)",
        "1.1 Agency A should see the child alone.",
        "Revise the visit template.",
        "The board has been assured that the template is in use.",
        "Train social workers.",
        "The board has been assured that 92% of staff were trained.",
        "1.2 Agency A should record fathers' details.",
        "1.9 Agency A should supervise complex cases.",
        "1.10 Agency A should audit missed appointments.",
        "2. Agency B (Police)",
        "2.1 Agency B should check every adult in the home.",
        "3. Board-wide and national recommendations",
        "3.1 The board should write to the national panel.",
    ]
    positions = [text.find(snippet) for snippet in expected]
    assert -1 not in positions, [s for s, p in zip(expected, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert "Page 1 of" in pages[0] and f"Page {len(pages)} of {len(pages)}" in pages[-1]
    for page in pages:
        assert "OFFICIAL-SENSITIVE" in page and "Southport Safeguarding Children Partnership" in page
        # Printed by the worker before anyone asked: the footer names the board, not a person (DESIGN.md §13).
        assert "Child Q action plan" in page and "Generated" in page
        assert "by Southport Safeguarding Children Partnership" in page and "Priya" not in page
    assert "Summary of 7 actions" in pages[0] and "Awaiting assurance 5" in " ".join(pages[0].split())
    assert "No. Recommendation Action taken / progress Lead and due date Status (RAG) Assurance to the board" in text


def test_the_plan_and_an_extract_are_tagged_pdfs_with_a_title_and_a_language(client, manager, agency_b, plan_review):
    client_for(client, manager)
    assert_accessible_pdf(print_when_ready(client, "/reviews/child-q/plan.pdf").content, "Child Q action plan")
    extract = print_when_ready(client, f"/reviews/child-q/plan.pdf?agency={agency_b.pk}").content
    assert_accessible_pdf(extract, "Child Q action plan: extract for Agency B (Police)")


def test_the_header_row_repeats_on_every_page_of_a_long_plan(client, manager, review, agency_a):
    for n in range(1, 41):
        rec = RecommendationFactory(review=review, agency=agency_a, number=f"1.{n}", text=f"Recommendation {n}. " * 8)
        ActionFactory(recommendation=rec, progress="Progress was made. " * 12)
    _, pages = pdf_text(print_when_ready(client_for(client, manager), "/reviews/child-q/plan.pdf").content)
    assert len(pages) > 3
    for page in pages[1:]:
        assert "Action taken / progress" in page and "Assurance to the board" in page


def test_agency_extract_contains_only_that_agencys_rows(client, lead_a, agency_a, plan_review):
    response = print_when_ready(client_for(client, lead_a), f"/reviews/child-q/plan.pdf?agency={agency_a.pk}")
    assert response.status_code == 200
    text, _ = pdf_text(response.content)
    assert "extract for Agency A" in text.replace("Extract", "extract")
    assert "1. Agency A (Children's Social Care)" in text and "1.10 Agency A should audit" in text
    assert "Agency B" not in text and "2.1" not in text and "national panel" not in text
    assert "Summary of 5 actions" in text


def test_extract_keeps_the_agencys_heading_number_from_the_whole_plan(manager, agency_b, plan_review):
    pdf = plan_pdf.render_agency_extract(plan_review, agency_b, manager)
    text, _ = pdf_text(pdf)
    assert "2. Agency B (Police)" in text and "Agency A should" not in text


def test_an_agency_extract_prints_and_an_agency_without_actions_gets_one_that_says_so(manager, agency_a, plan_review):
    renderer = plan_pdf.render_agency_extract
    assert renderer(plan_review, agency_a, manager).startswith(b"%PDF")
    empty = renderer(plan_review, AgencyFactory(name="Cafcass"), manager)  # no actions: says so
    assert "There are no actions in this plan." in pdf_text(empty)[0]


def test_any_action_queryset_prints_as_a_plan(manager, plan_review):
    actions = Action.objects.filter(status=ActionStatus.IN_PROGRESS, description__startswith="Train")
    text, _ = pdf_text(
        plan_pdf.render_actions_plan(actions, title="Actions selected", subject="Selected", generated_by=manager)
    )
    assert "Train social workers." in text and "Revise the visit template" not in text
    assert "Actions selected in the action list." in text


def test_actions_from_several_reviews_print_grouped_by_review(manager, plan_review, agency_a):
    other = RecommendationFactory(agency=agency_a, number="1.1", text="Another review's recommendation.")
    ActionFactory(recommendation=other, description="Another review's action.")
    pdf = plan_pdf.render_actions_plan(Action.objects.all(), title="All", subject="All", generated_by=manager)
    text, _ = pdf_text(pdf)
    assert text.count("1.1 Agency A should see the child alone.") == 1
    assert f"{other.review.subject}: Agency A (Children's Social Care)" in text
    assert "Child Q: Agency A (Children's Social Care)" in text


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("which", ["whole", "extract_a"])
def test_plan_permissions_for_every_persona(client, personas, agency_a, plan_review, persona, method, which):
    expected = {
        "whole": {"manager": 200, "chair": 200, "lead_a": 403, "lead_b": 403, "outsider": 404},
        "extract_a": {"manager": 200, "chair": 200, "lead_a": 200, "lead_b": 404, "outsider": 404},
    }[which]
    url = "/reviews/child-q/plan.pdf" + (f"?agency={agency_a.pk}" if which == "extract_a" else "")
    history = (Action.history.count(), Recommendation.history.count())
    signed_in = client_for(client, personas[persona])
    response = print_when_ready(signed_in, url) if method == "get" else signed_in.post(url)
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif method == "post":
        assert response.status_code == 405
    else:
        assert response.status_code == expected[persona]
        if response.status_code == 200:
            assert response.content.startswith(b"%PDF") and "no-store" in response["Cache-Control"]
    assert (Action.history.count(), Recommendation.history.count()) == history


def test_lead_cannot_fetch_another_agencys_extract(client, lead_b, agency_a, plan_review):
    response = print_when_ready(client_for(client, lead_b), f"/reviews/child-q/plan.pdf?agency={agency_a.pk}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "value, status",
    # "²" and "١" (Arabic-Indic one) pass str.isdigit(); only ASCII digits name an agency.
    [("abc", 400), ("999999", 404), ("-1", 400), ("²", 400), ("١", 400), ("9" * 30, 404)],
)
def test_a_bad_agency_parameter_is_refused_clearly(client, manager, plan_review, value, status):
    response = print_when_ready(client_for(client, manager), f"/reviews/child-q/plan.pdf?agency={value}")
    assert response.status_code == status
    if status == 400:
        assert b"agency must be given by its number" in response.content


def test_an_agency_with_no_actions_in_the_review_has_no_extract(client, manager, plan_review):
    other = AgencyFactory(name="Cafcass")
    assert (
        print_when_ready(client_for(client, manager), f"/reviews/child-q/plan.pdf?agency={other.pk}").status_code == 404
    )


def test_unknown_review_is_404(client, manager):
    assert print_when_ready(client_for(client, manager), "/reviews/nope/plan.pdf").status_code == 404


def test_plan_view_query_count_is_pinned(client, manager, plan_review, django_assert_num_queries, renders):
    client_for(client, manager)
    # Not ready: session, user, memberships; review (with its board, whose name the print carries); its
    # partner boards (the permission is the review's boards'); the generations of the review and the
    # agencies (one query); the print queued for the worker.
    with django_assert_num_queries(7):
        assert client.get("/reviews/child-q/plan.pdf").status_code == 202
    assert run_queued_tasks() == 1 and len(renders) == 1
    # Ready: the same minus the queueing; the file is read from disk.
    with django_assert_num_queries(6):
        assert client.get("/reviews/child-q/plan.pdf").status_code == 200
    assert len(renders) == 1


def test_an_unchanged_plan_is_rendered_once_and_a_change_renders_it_again(client, manager, plan_review, renders):
    client_for(client, manager)
    first = print_when_ready(client, "/reviews/child-q/plan.pdf").content
    assert print_when_ready(client, "/reviews/child-q/plan.pdf").content == first and len(renders) == 1

    def changed() -> str:
        content = print_when_ready(client, "/reviews/child-q/plan.pdf").content
        return pdf_text(content)[0]

    action = Action.objects.get(description="Send the letter.")
    action.progress = "Letter sent on 1 March."
    action.save()
    assert "Letter sent on 1 March." in changed() and len(renders) == 2

    rec = Recommendation.objects.get(number="2.1")
    rec.text = "Agency B should check every adult, including visitors."
    rec.save()
    assert "including visitors" in changed() and len(renders) == 3

    record_judgement(action, manager, level="assured", statement="The board has been assured that the letter went.")
    assert "the letter went" in changed() and len(renders) == 4

    agency = action.recommendation.review.recommendations.get(number="2.1").agency
    agency.name = "Northbridge Police"
    agency.save()
    assert "2. Northbridge Police" in changed() and len(renders) == 5

    plan_review.subject = "Child Z"
    plan_review.save()
    assert "Child Z action plan" in changed() and len(renders) == 6


def test_moving_an_action_to_another_review_refreshes_the_plan(client, manager, plan_review, agency_a, renders):
    client_for(client, manager)
    print_when_ready(client, "/reviews/child-q/plan.pdf")
    action = Action.objects.get(description="Send the letter.")
    action.recommendation = RecommendationFactory(agency=agency_a, number="7.1")
    action.save()
    assert "Send the letter." not in pdf_text(print_when_ready(client, "/reviews/child-q/plan.pdf").content)[0]
    assert len(renders) == 2


def test_a_bulk_write_renders_the_plan_again(client, manager, plan_review, renders):
    """bulk_update_with_history saves no model and sends no post_save: its history rows still tell the cache."""
    client_for(client, manager)
    assert "Letter sent" not in pdf_text(print_when_ready(client, "/reviews/child-q/plan.pdf").content)[0]
    letter = Action.objects.get(description="Send the letter.")
    letter.progress = "Letter sent on 1 March."
    bulk_update_with_history([letter], Action, ["progress"])
    assert "Letter sent on 1 March." in pdf_text(print_when_ready(client, "/reviews/child-q/plan.pdf").content)[0]
    assert len(renders) == 2


def test_a_change_outside_the_plan_keeps_it_cached(client, manager, plan_review, agency_a, renders):
    """Another review's action, or a theme (not printed), leaves this review's plan as it was."""
    client_for(client, manager)
    first = print_when_ready(client, "/reviews/child-q/plan.pdf").content
    elsewhere = ActionFactory(recommendation=RecommendationFactory(agency=agency_a, number="7.1"))
    elsewhere.status = ActionStatus.COMPLETED
    elsewhere.save()
    ThemeFactory(name="Neglect")
    assert print_when_ready(client, "/reviews/child-q/plan.pdf").content == first and len(renders) == 1


def test_a_rolled_back_change_keeps_the_cached_plan(client, manager, plan_review, renders):
    client_for(client, manager)
    first = print_when_ready(client, "/reviews/child-q/plan.pdf").content
    with pytest.raises(RuntimeError), transaction.atomic():
        letter = Action.objects.get(description="Send the letter.")
        letter.progress = "Never sent."
        letter.save()
        raise RuntimeError("the change fails")
    assert print_when_ready(client, "/reviews/child-q/plan.pdf").content == first and len(renders) == 1


def test_the_ready_plan_names_the_board_and_serves_everyone_from_one_print(
    client, manager, chair, plan_review, renders, settings
):
    """Printed by the worker before anyone asked, one file serves everyone who may see it (DESIGN.md §13)."""
    rename_board(plan_review)
    by_manager = print_when_ready(client_for(client, manager), "/reviews/child-q/plan.pdf").content
    by_chair = print_when_ready(client_for(client, chair), "/reviews/child-q/plan.pdf").content
    assert by_manager == by_chair and "by Southport Safeguarding Children Partnership" in pdf_text(by_chair)[0]
    assert "Morgan" not in pdf_text(by_chair)[0] and len(renders) == 1


def test_a_new_day_renders_again_because_rag_depends_on_the_date(manager, plan_review, renders, monkeypatch):
    import datetime

    plan_pdf.cached_plan(plan_review, None, manager)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(plan_pdf.timezone, "localdate", lambda: tomorrow)
    plan_pdf.cached_plan(plan_review, None, manager)
    assert len(renders) == 2


def test_the_marking_and_board_name_are_part_of_the_cache_key(manager, plan_review, settings, renders):
    plan_pdf.cached_plan(plan_review, None, manager)
    rename_board(plan_review, marking="OFFICIAL")
    plan_review.refresh_from_db()
    assert "OFFICIAL" in pdf_text(plan_pdf.cached_plan(plan_review, None, manager))[0]
    assert len(renders) == 2
    rename_board(plan_review, "Southport Safeguarding Adults Board")
    plan_review.refresh_from_db()
    assert "Southport Safeguarding Adults Board" in pdf_text(plan_pdf.cached_plan(plan_review, None, manager))[0]
    assert len(renders) == 3


def test_the_plan_never_fetches_from_the_network():
    fetcher = plan_pdf.LocalFilesOnly()
    for url in ["http://example.org/x.css", "https://example.org/font.woff", "file:///etc/passwd"]:
        with pytest.raises(ValueError, match="may not fetch"):
            fetcher.fetch(url)
    assert b"@page" in fetcher.fetch((plan_pdf.PDF_DIR / "plan.css").as_uri()).read()


@pytest.mark.parametrize(
    "escape",
    ["/../__init__.py", "/%2e%2e/__init__.py", "/%2E%2E/views.py", "/..%2f__init__.py", "/%2e%2e%2f%2e%2e/urls.py"],
)
def test_the_plan_cannot_fetch_files_outside_its_own_folder(escape):
    with pytest.raises(ValueError, match="may not fetch"):
        plan_pdf.LocalFilesOnly().fetch(plan_pdf.PDF_DIR.as_uri() + escape)


def test_the_plan_text_is_real_text_and_the_page_is_a4_landscape(manager, plan_review):
    reader = PdfReader(io.BytesIO(plan_pdf.cached_plan(plan_review, None, manager)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
    assert reader.metadata.title == "Child Q action plan"
    assert re.search(
        r"Generated \d+ \w+ \d{4} at \d\d:\d\d by Morgan", pdf_text(plan_pdf.cached_plan(plan_review, None, manager))[0]
    )
