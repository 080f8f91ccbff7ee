"""The reporting API shows each person exactly what the pages show them (DESIGN.md §14, issue 17).

Every endpoint × every persona: the rows are the rows of the matching page (or of the scope the
page uses, where no page lists them); a filter the action list refuses is a 400 here; one record out
of scope is a 404, like a record that never existed; the query count does not grow with the rows.
"""

import pytest
from django.test import Client

from actions import scope
from assurance.models import AssuranceJudgement
from conftest import client_for
from reviews.models import Agency
from tests.factories import ActionFactory, AssuranceJudgementFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

SIGNED_IN = ("manager", "chair", "lead_a", "lead_b", "outsider")


@pytest.fixture
def board(review, agency_a, agency_b, action_a, action_b):
    """child-q (both agencies), child-r (agency A alone), a judgement on each agency's action."""
    review_r = ReviewFactory(slug="child-r", subject="Child R", title="Child R: rapid review")
    action_r = ActionFactory(
        recommendation=RecommendationFactory(review=review_r, agency=agency_a, number="1.1"), description="Audit."
    )
    judgements = [AssuranceJudgementFactory(action=action) for action in (action_a, action_b)]
    return {"actions": [action_a, action_b, action_r], "judgements": judgements}


def results(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_the_action_endpoint_lists_exactly_the_action_lists_rows(client, personas, board, persona):
    client_for(client, personas[persona])
    on_page = [action.pk for action in client.get("/actions/").context["actions"]]
    assert [row["id"] for row in results(client, "/api/v1/actions/")] == on_page
    expected = {"lead_a": 2, "lead_b": 1, "outsider": 0}.get(persona, 3)
    assert len(on_page) == expected


@pytest.mark.parametrize("persona", SIGNED_IN)
@pytest.mark.parametrize(
    "query", ["status=in_progress", "rag=green&rag=amber", "review=child-q", "sort=-due", "q=template", "overdue=1"]
)
def test_a_filter_gives_the_same_rows_as_on_the_page(client, personas, board, persona, query):
    client_for(client, personas[persona])
    page = client.get(f"/actions/?{query}")
    if page.context["form"].errors:  # the outsider sees no review child-q: refused on both
        assert client.get(f"/api/v1/actions/?{query}").status_code == 400
        assert (persona, query) == ("outsider", "review=child-q")
        return
    on_page = [action.pk for action in page.context["actions"]]
    assert [row["id"] for row in results(client, f"/api/v1/actions/?{query}")] == on_page


BAD_FILTERS = {
    "status=finished": "status",
    "rag=purple": "rag",
    "assurance=maybe": "assurance",
    "agency=abc": "agency",
    "agency=99999999999999999999": "agency",
    "review=child-unknown": "review",
    "theme=abc": "theme",
    "due_after=2026-02-30": "due_after",
    "overdue=2": "overdue",
    "sort=sideways": "sort",
    "q=" + "x" * 201: "q",
}


@pytest.mark.parametrize("query", BAD_FILTERS)
def test_a_filter_the_page_refuses_is_a_400_naming_it(client, manager, board, query):
    client_for(client, manager)
    page = client.get(f"/actions/?{query}")
    assert page.context["form"].errors and list(page.context["actions"]) == []
    response = client.get(f"/api/v1/actions/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [BAD_FILTERS[query]]
    assert response.json()[BAD_FILTERS[query]] == page.context["form"].errors[BAD_FILTERS[query]]


def test_a_lead_cannot_filter_on_another_agency_to_see_its_actions(client, lead_b, agency_a, board):
    client_for(client, lead_b)
    response = client.get(f"/api/v1/actions/?agency={agency_a.pk}")
    assert response.status_code == 400
    assert "There is no agency" in response.json()["agency"][0]


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_the_review_endpoint_lists_the_review_registers_rows(client, personas, board, persona):
    client_for(client, personas[persona])
    for query in ("", "?kind=scr", "?q=child+r"):
        on_page = [review.slug for review in client.get(f"/reviews/{query}").context["reviews"]]
        assert [row["slug"] for row in results(client, f"/api/v1/reviews/{query}")] == on_page
    assert client.get("/api/v1/reviews/?kind=novel").status_code == 400


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_recommendations_judgements_and_agencies_are_the_persons_scope(client, personas, board, persona):
    user = personas[persona]
    client_for(client, user)
    recommendations = {row["id"] for row in results(client, "/api/v1/recommendations/")}
    assert recommendations == set(scope.recommendations_for(user).values_list("pk", flat=True))
    judgements = {row["id"] for row in results(client, "/api/v1/assurance-judgements/")}
    assert judgements == set(AssuranceJudgement.objects.for_user(user).values_list("pk", flat=True))
    agencies = {row["id"] for row in results(client, "/api/v1/agencies/")}
    # The action list's agency filter offers the same agencies.
    offered = {int(pk) for pk, _ in client.get("/actions/").context["form"].fields["agency"].widget.choices}
    assert agencies == offered == set(Agency.objects.for_user(user).values_list("pk", flat=True))
    counts = {"manager": (3, 2, 2), "chair": (3, 2, 2), "lead_a": (2, 1, 1), "lead_b": (1, 1, 1)}
    assert (len(recommendations), len(judgements), len(agencies)) == counts.get(persona, (0, 0, 0))


def test_one_record_out_of_scope_is_a_404_like_one_that_never_existed(client, lead_b, agency_a, board):
    client_for(client, lead_b)
    action_a, judgement_a = board["actions"][0], board["judgements"][0]
    for real, never in [
        (f"/api/v1/actions/{action_a.pk}/", "/api/v1/actions/987654/"),
        (f"/api/v1/recommendations/{action_a.recommendation_id}/", "/api/v1/recommendations/987654/"),
        (f"/api/v1/assurance-judgements/{judgement_a.pk}/", "/api/v1/assurance-judgements/987654/"),
        (f"/api/v1/agencies/{agency_a.pk}/", "/api/v1/agencies/987654/"),
        ("/api/v1/reviews/child-r/", "/api/v1/reviews/child-never/"),
    ]:
        answers = [client.get(url) for url in (real, never)]
        assert [a.status_code for a in answers] == [404, 404], real
        assert answers[0].content == answers[1].content


def test_one_action_in_scope_has_its_status_rag_assurance_due_date_agency_and_review(client, lead_a, board):
    client_for(client, lead_a)
    action = board["actions"][0]
    row = client.get(f"/api/v1/actions/{action.pk}/").json()
    assert row["review"] == "child-q" and row["recommendation_number"] == "1.1"
    assert (row["status"], row["rag"], row["assurance_level"]) == (action.status, action.rag, action.assurance_level)
    assert row["due_date"] == action.due_date.isoformat()  # ISO 8601
    assert (row["agency"], row["agency_name"]) == (action.agency_id, action.agency.name)


def test_signed_out_is_401_and_says_how_to_sign_in(board):
    response = Client().get("/api/v1/actions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_api_is_read_only(client, manager, board):
    client_for(client, manager)
    action = board["actions"][0]
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(f"/api/v1/actions/{action.pk}/").status_code == 405
        assert getattr(client, method)("/api/v1/actions/").status_code == 405


def test_pages_are_bounded_and_in_a_stable_order(client, manager, board, settings):
    settings.LSCB_API_PAGE_SIZE = 1
    settings.LSCB_API_MAX_PAGE_SIZE = 2
    client_for(client, manager)
    first = client.get("/api/v1/actions/").json()
    assert (first["count"], len(first["results"])) == (3, 1)
    capped = client.get("/api/v1/actions/?page_size=1000").json()
    assert len(capped["results"]) == 2
    rows, url = [], "/api/v1/actions/"
    while url:
        page = client.get(url).json()
        rows += [row["id"] for row in page["results"]]
        url = page["next"]
    assert rows == [row["id"] for row in results(client, "/api/v1/actions/?page_size=2")] + [rows[-1]]
    assert rows == [action.pk for action in client.get("/actions/").context["actions"]]


def test_the_openapi_schema_documents_every_endpoint_and_the_action_filters(client, chair, board):
    client_for(client, chair)
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/actions/", "/api/v1/reviews/", "/api/v1/recommendations/", "/api/v1/agencies/"} <= set(
        schema["paths"]
    )
    assert "/api/v1/assurance-judgements/{id}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/actions/"]["get"]["parameters"]}
    assert {"review", "agency", "status", "rag", "assurance", "theme", "due_after", "due_before"} <= parameters
    assert {"overdue", "q", "sort", "page", "page_size"} <= parameters
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    # A review converted from none (or from one out of the person's scope) answers null, and says so.
    assert schema["components"]["schemas"]["Review"]["properties"]["converted_from"]["nullable"] is True
    docs = client.get("/api/schema/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


@pytest.fixture
def converted(board, agency_a, agency_b):
    """child-r, a rapid review of agency A alone, converted to child-p, a practice review with both agencies'
    recommendations: agency B's lead sees child-p but not the rapid review it came from."""
    from reviews.models import Review

    rapid = Review.objects.get(slug="child-r")
    rapid.kind = Review.Kind.RAPID
    rapid.save()
    practice = ReviewFactory(slug="child-p", kind=Review.Kind.CSPR, converted_from=rapid)
    for number, agency in (("1.1", agency_a), ("1.2", agency_b)):
        RecommendationFactory(review=practice, agency=agency, number=number)
    return rapid, practice


@pytest.mark.parametrize("persona, expected", [("manager", "child-r"), ("lead_a", "child-r"), ("lead_b", None)])
def test_a_review_names_the_review_it_was_converted_from_and_to_only_if_in_scope(
    client, personas, converted, persona, expected
):
    client_for(client, personas[persona])
    rows = {row["slug"]: row for row in results(client, "/api/v1/reviews/")}
    assert rows["child-p"]["converted_from"] == expected
    assert rows["child-q"]["converted_from"] is None and rows["child-q"]["converted_to"] == []
    if expected:
        assert rows["child-r"]["converted_to"] == ["child-p"]
        assert client.get("/api/v1/reviews/child-r/").json()["converted_to"] == ["child-p"]
    else:
        assert "child-r" not in rows
    assert client.get("/api/v1/reviews/child-p/").json()["converted_from"] == expected


MILESTONE_QUERIES = ["", "state=overdue", "state=done_late&kind=rapid", "state=on_time&state=no_date", "review=child-r",
                     "due_after=2026-01-01&due_before=2026-12-31", "done_after=2000-01-01"]  # fmt: skip


@pytest.fixture
def milestones(board, manager):
    import datetime

    from django.utils import timezone

    from reviews import clocks
    from reviews.models import Milestone, Review, refresh_milestones

    rapid = Review.objects.get(slug="child-r")
    rapid.kind, rapid.aware_on = Review.Kind.RAPID, clocks.add_working_days(timezone.localdate(), -20)
    rapid.save()
    for review in Review.objects.all():
        refresh_milestones(review)
    first = Milestone.objects.filter(review=rapid).order_by("order").first()
    first.done_on, first.recorded_by = first.due_on + datetime.timedelta(days=1), manager
    first.save()


@pytest.mark.parametrize("persona", SIGNED_IN)
@pytest.mark.parametrize("query", MILESTONE_QUERIES)
def test_the_milestone_endpoint_filters_as_the_milestone_list_does(client, personas, milestones, persona, query):
    client_for(client, personas[persona])
    page = client.get(f"/milestones/?{query}")
    if page.context["form"].errors:  # agency B's lead and the outsider see no review child-r: refused on both
        assert client.get(f"/api/v1/milestones/?{query}").status_code == 400
        assert (persona, query) in {("lead_b", "review=child-r"), ("outsider", "review=child-r")}
        return
    on_page = sorted(milestone.pk for milestone in page.context["paginator"].object_list)
    assert sorted(row["id"] for row in results(client, f"/api/v1/milestones/?{query}")) == on_page
    if persona == "manager":
        assert on_page, query  # each query finds something, so that the comparison means something


@pytest.mark.parametrize("query, name", [("state=late", "state"), ("kind=film", "kind"), ("done_before=2026-02-30",
                                         "done_before"), ("review=child-never", "review")])  # fmt: skip
def test_a_milestone_filter_the_list_refuses_is_a_400_naming_it(client, manager, milestones, query, name):
    client_for(client, manager)
    page = client.get(f"/milestones/?{query}")
    response = client.get(f"/api/v1/milestones/?{query}")
    assert response.status_code == 400
    assert response.json() == {name: page.context["form"].errors[name]}
