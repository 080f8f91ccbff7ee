"""The review register, review page and recommendation forms."""

import pytest
from django.urls import reverse

from actions.choices import ActionStatus
from conftest import client_for
from lscb.platform.locking import latest_history_id
from reviews.models import PlanImport, Recommendation, Review, refresh_milestones
from tests.board_state import board_state
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
)


def rec(review, agency, number, *statuses):
    recommendation = RecommendationFactory(
        review=review, agency=agency, number=number, text=f"Recommendation {number}."
    )
    for status in statuses:
        ActionFactory(recommendation=recommendation, status=status, description=f"Action on {number} ({status}).")
    return recommendation


@pytest.fixture
def plan(review, agency_a, agency_b):
    """Agency B's first recommendation comes before agency A's; 6.10 after 6.9; one board-wide one."""
    rec(review, agency_b, "6.10", ActionStatus.COMPLETED)
    rec(review, agency_a, "7.1", ActionStatus.IN_PROGRESS, ActionStatus.EMBEDDED)
    rec(review, agency_b, "6.9", ActionStatus.NOT_STARTED)
    rec(review, None, "8.1", ActionStatus.ON_HOLD)
    return review


def test_the_review_page_groups_by_agency_in_number_order(client, manager, plan):
    response = client_for(client, manager).get(reverse("board:review", args=[plan.slug]))
    groups = response.context["groups"]
    assert [g.agency.name if g.agency else None for g in groups] == [
        "Agency B (Police)",
        "Agency A (Children's Social Care)",
        None,
    ]
    assert [r.recommendation.number for r in groups[0].recommendations] == ["6.9", "6.10"]
    assert [(g.done, g.total) for g in groups] == [(1, 2), (1, 2), (0, 1)]
    html = response.content.decode()
    assert "1. Agency B (Police)" in html and "3. Board-wide and national" in html
    assert "1 of 2 actions completed" in html and "2 of 5 actions completed" in html
    assert 'class="govuk-tag lscb-tag--amber"' in html  # the on-hold action, with its label
    for name in ("board:plan-import", "actions:plan-pdf", "board:review-history"):
        assert reverse(name, args=[plan.slug]) in html


def test_a_lead_sees_only_their_agencys_rows_on_a_review_page(client, lead_a, plan):
    response = client_for(client, lead_a).get(reverse("board:review", args=[plan.slug]))
    html = response.content.decode()
    assert [g.agency.name for g in response.context["groups"]] == ["Agency A (Children's Social Care)"]
    assert "Recommendation 6.9" not in html and "Action on 6.10" not in html and "Action on 8.1" not in html
    assert "Action on 7.1" in html
    assert reverse("board:plan-import", args=[plan.slug]) not in html
    assert f"?agency={plan.recommendations.get(number='7.1').agency_id}" in html  # their extract only
    assert "Plan imports" not in html


def test_the_review_page_lists_plan_imports_for_the_manager(client, manager, plan):
    PlanImport.objects.create(
        review=plan, imported_by=manager, file_name="child-q-plan.xlsx", sha256="ab" * 32, row_count=12,
        counts={"actions": {"created": 10, "updated": 2}},
    )  # fmt: skip
    html = client_for(client, manager).get(reverse("board:review", args=[plan.slug])).content.decode()
    assert "child-q-plan.xlsx" in html and "10 created, 2 updated" in html and "Morgan" in html
    assert "ab" * 32 not in html  # no hashes on pages people read (the evidence page shortens its own)


def test_the_register_shows_progress_counts(client, manager, lead_a, plan):
    response = client_for(client, manager).get(reverse("board:reviews"))
    assert response.context["rows"] == [(plan, (2, 5), None)]
    assert "2 of 5" in response.content.decode()
    response = client_for(client, lead_a).get(reverse("board:reviews"))
    assert response.context["rows"] == [(plan, (1, 2), None)]


def test_the_register_filters_and_reports_bad_input(client, manager, plan):
    client = client_for(client, manager)
    assert client.get(reverse("board:reviews") + "?q=child+q").context["paginator"].count == 1
    assert client.get(reverse("board:reviews") + "?kind=dhr").context["paginator"].count == 0
    response = client.get(reverse("board:reviews") + "?kind=zzz")
    assert response.context["paginator"].count == 0
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize("n", [5, 50])
def test_the_review_page_query_count_does_not_grow_with_the_actions(
    client, manager, review, agency_a, agency_b, django_assert_num_queries, n
):
    for i in range(n):
        rec(review, [agency_a, agency_b, None][i % 3], f"{i // 5 + 1}.{i % 5 + 1}", ActionStatus.IN_PROGRESS)
    PlanImport.objects.create(review=review, imported_by=manager, file_name="plan.csv", sha256="0" * 64)
    refresh_milestones(review)
    client = client_for(client, manager)
    # session, user, memberships; the review; its partner boards (whose managers may change it); its
    # recommendations (with agency); their actions (with agency); the plan imports (with who imported them);
    # the milestones (with their rules and who recorded them); the learning activities that carried it.
    with django_assert_num_queries(10):
        response = client.get(reverse("board:review", args=[review.slug]))
    assert response.context["total"] == n


@pytest.mark.parametrize("n", [5, 50])
def test_the_register_query_count_does_not_grow_with_the_reviews(
    client, manager, agency_a, django_assert_num_queries, n
):
    for i in range(n):
        rec(
            ReviewFactory(slug=f"r-{i}", subject=f"Child {i}", title=f"Review {i}"),
            agency_a,
            "1.1",
            "completed",
        )
    for review in Review.objects.all():
        refresh_milestones(review)
    client = client_for(client, manager)
    # session, user, roles; count; page of reviews; the progress counts of the page's reviews; their open milestones.
    with django_assert_num_queries(7):
        client.get(reverse("board:reviews"))


def test_the_manager_creates_a_review_and_history_records_who(client, manager):
    data = {"kind": "cspr", "slug": "child-z", "subject": "Child Z", "title": "Child Z: CSPR", "status": "in_progress",
            "commissioned_on": "01/02/2026"}  # fmt: skip
    response = client_for(client, manager).post(reverse("reviews:create"), data)
    assert response.status_code == 302 and response["Location"] == reverse("board:review", args=["child-z"])
    assert Review.objects.get(slug="child-z").history.first().history_user == manager


def test_a_new_reviews_web_address_is_made_from_its_reference_and_its_kind_is_a_practice_review(client, manager):
    client = client_for(client, manager)
    form = client.get(reverse("reviews:create")).context["form"]
    assert form["kind"].value() == Review.Kind.CSPR  # not the old "serious case review"
    data = {"kind": "cspr", "reference": "CSPR 2026/02", "slug": "", "subject": "Child Z", "title": "Child Z: CSPR",
            "status": "in_progress", "commissioned_on": "01/02/2026"}  # fmt: skip
    assert client.post(reverse("reviews:create"), data)["Location"] == reverse("board:review", args=["cspr-2026-02"])
    # The same reference again (a typing slip the manager corrects later) still gets an address of its own.
    second = client.post(reverse("reviews:create"), {**data, "subject": "Child Y", "title": "Child Y: CSPR"})
    assert second["Location"] == reverse("board:review", args=["cspr-2026-02-2"])
    # No reference: the subject names it.
    third = client.post(reverse("reviews:create"), {**data, "reference": "", "subject": "Child X", "title": "X"})
    assert third["Location"] == reverse("board:review", args=["child-x"])


def test_a_duplicate_slug_and_a_bad_date_are_field_errors(client, manager, review):
    before = board_state()
    data = {"kind": "scr", "slug": review.slug, "subject": "Child Y", "title": "Y", "status": "closed",
            "commissioned_on": "32/01/2026"}  # fmt: skip
    html = client_for(client, manager).post(reverse("reviews:create"), data).content.decode()
    assert "Another review already uses this web address name" in html and 'href="#id_slug"' in html
    assert 'href="#id_commissioned_on_day"' in html
    assert board_state() == before


def test_a_recommendation_number_already_used_in_the_review_is_a_field_error(client, manager, action_a):
    before = board_state()
    data = {"number": " 1.1 ", "text": "Duplicate.", "source": "overview"}
    response = client_for(client, manager).post(
        reverse("reviews:recommendation-create", args=[action_a.recommendation.review.slug]), data
    )
    assert response.status_code == 200
    assert "Recommendation 1.1 already exists in this review" in response.content.decode()
    assert board_state() == before


def test_the_manager_adds_a_board_wide_recommendation_with_themes(client, manager, review):
    themes = [ThemeFactory(name="Supervision"), ThemeFactory(name="Record keeping")]
    data = {"number": "9.1", "agency": "", "text": "The board should audit.", "source": "overview",
            "themes": [t.pk for t in themes]}  # fmt: skip
    client = client_for(client, manager)
    form_html = client.get(reverse("reviews:recommendation-create", args=[review.slug])).content.decode()
    assert f'type="checkbox" value="{themes[0].pk}"' in form_html
    assert client.post(reverse("reviews:recommendation-create", args=[review.slug]), data).status_code == 302
    new = Recommendation.objects.get(review=review, number="9.1")
    assert new.agency is None and set(new.themes.all()) == set(themes)
    assert new.history.first().history_user == manager


def test_a_stale_recommendation_edit_is_refused_with_what_changed(client, manager, action_a):
    recommendation = action_a.recommendation
    seen = latest_history_id(recommendation)
    recommendation.text = "Changed by someone else."
    recommendation.agency = AgencyFactory(name="Agency C (Health)")
    recommendation.save()
    before = board_state()
    data = {"number": "1.1", "agency": action_a.agency_id, "text": "Mine.", "source": "overview", "seen": seen}
    url = reverse("reviews:recommendation-edit", args=[recommendation.review.slug, recommendation.pk])
    html = client_for(client, manager).post(url, data).content.decode()
    assert "Someone changed this recommendation after you opened the form" in html
    assert "Agency A (Children&#x27;s Social Care)</span> → Agency C (Health)" in html
    assert "Changed by someone else." in html
    assert board_state() == before


def test_a_stale_review_edit_is_refused(client, manager, review):
    seen = latest_history_id(review)
    review.status = Review.Status.CLOSED
    review.save()
    before = board_state()
    data = {"kind": "scr", "slug": review.slug, "subject": "Child Q", "title": "New title", "status": "plan_open",
            "seen": seen}  # fmt: skip
    html = client_for(client, manager).post(reverse("reviews:edit", args=[review.slug]), data).content.decode()
    assert "Someone changed this review after you opened the form" in html
    assert "Action plan open</span> → Closed" in html
    assert board_state() == before


@pytest.mark.parametrize("n", [5, 50])
def test_the_recommendation_page_query_count_does_not_grow_with_the_actions(
    client, manager, review, agency_a, django_assert_num_queries, n
):
    recommendation = rec(review, agency_a, "1.1", *[ActionStatus.IN_PROGRESS] * n)
    recommendation.themes.add(ThemeFactory(name="Supervision"))
    client = client_for(client, manager)
    # session, user, memberships; the recommendation (with review and agency); the review's partner boards;
    # its actions (with agency); its themes; its impact evaluations (with their actions).
    with django_assert_num_queries(8):
        response = client.get(reverse("board:recommendation", args=[review.slug, recommendation.pk]))
    assert len(response.context["actions"]) == n


def test_the_recommendation_page_shows_its_impact_once_and_not_in_its_title(client, manager, review, agency_a):
    recommendation = rec(review, agency_a, "1.1", ActionStatus.IN_PROGRESS)
    url = reverse("board:recommendation", args=[review.slug, recommendation.pk])
    html = client_for(client, manager).get(url).content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Impact" not in title and "<" not in title
    assert html.count('id="impact"') == 1
    assert html.index('id="impact"') > html.index("<h1")


def test_an_agency_ending_in_s_has_its_extract_named_with_the_apostrophe_alone(client, manager, review):
    rec(review, AgencyFactory(name="GP Services"), "1.1", ActionStatus.IN_PROGRESS)
    rec(review, AgencyFactory(name="Education"), "2.1", ActionStatus.IN_PROGRESS)
    html = client_for(client, manager).get(review.get_absolute_url()).content.decode()
    assert "Print GP Services&#x27; extract" in html and "Services&#x27;s" not in html
    assert "Print Education&#x27;s extract" in html


@pytest.mark.django_db
def test_a_sar_is_mandatory_or_discretionary_and_only_a_sar_says_which(client, manager):
    sar = ReviewFactory(kind=Review.Kind.SAR, slug="sar-1", subject="Adult K", title="Adult K: SAR")
    client = client_for(client, manager)
    url = reverse("reviews:edit", args=["sar-1"])
    data = {"kind": "sar", "slug": "sar-1", "subject": "Adult K", "title": "Adult K: SAR", "status": "in_progress",
            "sar_basis": "mandatory", "seen": latest_history_id(sar)}  # fmt: skip
    assert client.post(url, data).status_code == 302
    sar.refresh_from_db()
    assert sar.sar_basis == Review.SarBasis.MANDATORY
    assert "Mandatory (Care Act 2014 s44(1))" in client.get(reverse("board:review", args=["sar-1"])).content.decode()
    assert "Mandatory (Care Act 2014 s44(1))" in client.get(reverse("board:reviews")).content.decode()
    refused = client.post(url, {**data, "kind": "dhr", "seen": latest_history_id(sar)})
    assert refused.status_code == 200
    assert "unless the kind is a safeguarding adult review" in refused.content.decode()
    sar.refresh_from_db()
    assert sar.kind == Review.Kind.SAR
