"""Issue 12, findings 2 and 3: each PDF render has a page and a time budget, refused in words when exceeded."""

import pytest

from actions import plan as plan_pdf

TWO_PAGES = '<p style="break-after: page">Child Q action plan</p><p>Page two</p>'


def test_a_print_over_its_page_budget_is_refused_in_words(settings):
    settings.LSCB_PDF_MAX_PAGES = 1
    with pytest.raises(plan_pdf.PdfBudgetExceeded) as refusal:
        plan_pdf.html_to_pdf(TWO_PAGES)
    assert str(refusal.value).startswith("The document would have 2 pages; a print may have at most 1.")


def test_a_print_over_its_time_budget_is_refused_in_words(settings):
    settings.LSCB_PDF_MAX_SECONDS = 0
    with pytest.raises(plan_pdf.PdfBudgetExceeded) as refusal:
        plan_pdf.html_to_pdf(TWO_PAGES)
    assert "took more than 0 seconds to lay out" in str(refusal.value)


def test_a_print_within_its_budget_is_made(settings):
    settings.LSCB_PDF_MAX_PAGES = 2
    assert plan_pdf.html_to_pdf(TWO_PAGES).startswith(b"%PDF")


def test_the_default_budget_allows_a_long_plan():
    assert plan_pdf.pdf_budget() == (3_000, 600)


def test_a_plan_over_its_budget_says_why_instead_of_being_prepared_for_ever(client, manager, action_a, settings):
    """The worker keeps the refusal beside the ready files; the print answers it at once (422), in words."""
    from conftest import client_for, print_when_ready

    settings.LSCB_PDF_MAX_PAGES = 0
    url = f"/reviews/{action_a.recommendation.review.slug}/plan.pdf"
    response = print_when_ready(client_for(client, manager), url)
    assert response.status_code == 422
    assert "a print may have at most 0" in response.content.decode()
    assert client.get(url).status_code == 422  # asked again: the refusal is kept, nothing queued again
