"""Every review-register view × every persona × GET and POST (DESIGN.md §4).

Out of scope answers 404, a change the role may not make answers 403, signed
out goes to sign in; and a refused request changes nothing.
"""

import pytest
from django.urls import reverse

from conftest import client_for
from lscb.platform.locking import latest_history_id
from reviews.models import Recommendation, Review
from tests.board_state import board_state

SIGN_IN = 302
PERSONAS = ["manager", "chair", "lead_a", "lead_b", "outsider", "anonymous"]


def expect(manager, chair, lead_a, lead_b, outsider):
    return dict(manager=manager, chair=chair, lead_a=lead_a, lead_b=lead_b, outsider=outsider, anonymous=SIGN_IN)


# view: (GET statuses, POST statuses). A successful POST redirects (302).
MATRIX = {
    "list": (expect(200, 200, 200, 200, 200), expect(405, 405, 405, 405, 405)),
    "create": (expect(200, 403, 403, 403, 403), expect(302, 403, 403, 403, 403)),
    "detail": (expect(200, 200, 200, 200, 404), expect(405, 405, 405, 405, 405)),
    "edit": (expect(200, 403, 403, 403, 404), expect(302, 403, 403, 403, 404)),
    "recommendation-create": (expect(200, 403, 403, 403, 404), expect(302, 403, 403, 403, 404)),
    # Recommendation 1.1 is addressed to agency A: agency B's lead may not see it.
    "recommendation": (expect(200, 200, 200, 404, 404), expect(405, 405, 405, 405, 405)),
    "recommendation-edit": (expect(200, 403, 403, 404, 404), expect(302, 403, 403, 404, 404)),
}


def url_and_data(view: str, review: Review, rec: Recommendation) -> tuple[str, dict]:
    if view == "list":
        return reverse("board:reviews"), {}
    if view == "create":
        data = {"kind": "cspr", "slug": "child-z", "subject": "Child Z", "title": "Child Z", "status": "in_progress"}
        return reverse("reviews:create"), data
    if view == "detail":
        return reverse("board:review", args=[review.slug]), {}
    if view == "edit":
        data = {"kind": "scr", "slug": review.slug, "subject": "Child Q", "title": "Renamed", "status": "closed"}
        return reverse("reviews:edit", args=[review.slug]), {**data, "seen": latest_history_id(review)}
    if view == "recommendation-create":
        return reverse("reviews:recommendation-create", args=[review.slug]), {
            "number": "9.1",
            "text": "A new recommendation.",
            "source": "overview",
        }
    args = [review.slug, rec.pk]
    if view == "recommendation":
        return reverse("board:recommendation", args=args), {}
    data = {"number": "1.1", "agency": rec.agency_id, "text": "Changed.", "source": "imr"}
    data["seen"] = latest_history_id(rec)
    return reverse("reviews:recommendation-edit", args=args), data


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", MATRIX)
@pytest.mark.parametrize("method", ["get", "post"])
def test_review_views_answer_each_persona_as_design_section_4_says(
    client, personas, action_a, action_b, view, persona, method
):
    rec = action_a.recommendation
    url, data = url_and_data(view, action_a.recommendation.review, rec)
    expected = MATRIX[view][0 if method == "get" else 1][persona]
    before = board_state()
    client = client_for(client, personas[persona])
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == expected, response.content[:500]
    if persona == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if method == "post":
        refused = persona == "anonymous" or expected != 302
        assert (board_state() == before) is refused


def test_a_lead_gets_404_for_a_review_without_their_agencys_actions(client, lead_a, action_b):
    review = action_b.recommendation.review
    client = client_for(client, lead_a)
    for name in ("board:review", "reviews:edit", "reviews:recommendation-create"):
        assert client.get(reverse(name, args=[review.slug])).status_code == 404
    assert client.get(reverse("board:reviews")).context["paginator"].count == 0
