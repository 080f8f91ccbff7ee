"""The review page and the printed plan group actions the same way (one home: actions/plan).

A cross-agency action (its agency differs from its recommendation's, as when a later import row names
another agency) sits under its own agency's numbered heading on the screen and on paper alike.
"""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from actions.tests.test_plan import pdf_text
from conftest import client_for, print_when_ready
from tests.factories import ActionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db
HEADING = re.compile(r"(\d+)\. (Agency [AB] \([^)]*\)|Board-wide and national)")
CROSS = "Police to share the strategy minutes."


@pytest.fixture
def cross_agency_review(review, agency_a, agency_b):
    """1.1 is agency A's, with one action of A's and one of B's; 2.1 is B's; 3.1 (A's) has no action yet."""
    first = RecommendationFactory(review=review, agency=agency_a, number="1.1", text="Share the plan.")
    ActionFactory(recommendation=first, description="Social care to send the plan.")
    ActionFactory(recommendation=first, agency=agency_b, description=CROSS)
    second = RecommendationFactory(review=review, agency=agency_b, number="2.1", text="Check every adult.")
    ActionFactory(recommendation=second, description="Amend the triage checklist.")
    RecommendationFactory(review=review, agency=agency_a, number="3.1", text="Audit the visits.")
    return review


def heading_of(text: str, snippet: str) -> str:
    """The numbered agency heading that `snippet` appears under."""
    position = text.index(snippet)
    headings = [match for match in HEADING.finditer(text) if match.start() < position]
    return headings[-1].group(0)


def words(html: str) -> str:
    return " ".join(unescape(strip_tags(html)).split())


def page_text(client, user, review) -> str:
    return words(client_for(client, user).get(reverse("board:review", args=[review.slug])).content.decode())


def test_a_cross_agency_action_has_the_same_heading_on_the_page_and_in_the_plan(client, manager, cross_agency_review):
    page = page_text(client, manager, cross_agency_review)
    printed, _ = pdf_text(
        print_when_ready(client, reverse("actions:plan-pdf", args=[cross_agency_review.slug])).content
    )
    assert heading_of(printed, CROSS) == "2. Agency B (Police)"
    assert heading_of(page, CROSS) == heading_of(printed, CROSS)
    assert heading_of(page, "Social care to send the plan.") == heading_of(printed, "Social care to send the plan.")
    assert heading_of(page, "Amend the triage checklist.") == heading_of(printed, "Amend the triage checklist.")


def test_a_recommendation_without_actions_is_still_listed_under_its_agency(client, manager, cross_agency_review):
    response = client_for(client, manager).get(reverse("board:review", args=[cross_agency_review.slug]))
    page = words(response.content.decode())
    assert heading_of(page, "Audit the visits.") == "1. Agency A (Children's Social Care)"
    assert "No actions yet." in page
    added = cross_agency_review.recommendations.get(number="3.1")
    assert reverse("actions:create", args=[added.pk]) in response.content.decode()
    assert reverse("board:recommendation", args=[cross_agency_review.slug, added.pk]) in response.content.decode()
    assert "1 of 1 action completed" not in page and "0 of 1 action completed" in page  # A: one action
    assert "0 of 2 actions completed" in page  # B: the cross-agency action and 2.1's


def test_a_lead_sees_the_heading_their_extract_prints(client, lead_b, agency_b, cross_agency_review):
    page = page_text(client, lead_b, cross_agency_review)
    url = reverse("actions:plan-pdf", args=[cross_agency_review.slug]) + f"?agency={agency_b.pk}"
    printed, _ = pdf_text(print_when_ready(client, url).content)
    assert heading_of(page, CROSS) == heading_of(printed, CROSS) == "2. Agency B (Police)"


def extract_links(client, user, review) -> list[str]:
    html = client_for(client, user).get(reverse("board:review", args=[review.slug])).content.decode()
    plan = reverse("actions:plan-pdf", args=[review.slug])
    return sorted(set(re.findall(re.escape(plan) + r"\?agency=(\d+)", html)))


@pytest.mark.parametrize("persona", ["manager", "chair"])
def test_managers_and_chairs_are_offered_every_agencys_extract(client, personas, persona, cross_agency_review):
    from reviews.models import Agency

    with_actions = {str(pk) for pk in Agency.objects.filter(actions__isnull=False).values_list("pk", flat=True)}
    assert extract_links(client, personas[persona], cross_agency_review) == sorted(with_actions)
    assert len(with_actions) == 2


def test_a_lead_is_offered_only_their_own_agencys_extract_and_it_prints(client, lead_a, agency_a, cross_agency_review):
    assert extract_links(client, lead_a, cross_agency_review) == [str(agency_a.pk)]
    url = reverse("actions:plan-pdf", args=[cross_agency_review.slug]) + f"?agency={agency_a.pk}"
    response = print_when_ready(client, url)
    assert response.status_code == 200
    _, pages = pdf_text(response.content)
    # The running header of every page says whose extract it is.
    assert all("Child Q action plan: extract for Agency A (Children's Social Care)" in page for page in pages)


@pytest.mark.parametrize("persona", ["outsider"])
def test_someone_with_no_role_is_offered_no_extract(client, personas, persona, cross_agency_review):
    response = client_for(client, personas[persona]).get(reverse("board:review", args=[cross_agency_review.slug]))
    assert response.status_code == 404


def test_the_review_page_links_the_plan_and_each_extract_in_word(
    client, manager, lead_a, agency_a, cross_agency_review
):
    docx = reverse("actions:plan-docx", args=[cross_agency_review.slug])
    html = client_for(client, manager).get(reverse("board:review", args=[cross_agency_review.slug])).content.decode()
    assert f'href="{docx}"' in html and f'href="{docx}?agency={agency_a.pk}"' in html
    html = client_for(client, lead_a).get(reverse("board:review", args=[cross_agency_review.slug])).content.decode()
    assert f'href="{docx}"' not in html and f'href="{docx}?agency={agency_a.pk}"' in html
