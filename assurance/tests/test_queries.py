"""Query counts pinned for the assurance lists, pages and the action's assurance panel: 5 rows or 50, the same."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from assurance.models import (
    AssuranceJudgement,
    AssuranceRequest,
    Challenge,
    ChallengeEvent,
    Chase,
    Evidence,
    EvidenceDownload,
    EvidenceFile,
)
from conftest import client_for
from tests.factories import ActionFactory, RecommendationFactory, first_board


def build(n: int, review, agency_a, agency_b, manager, lead_a):
    """n of everything for agency A, and a little for agency B."""
    today = timezone.localdate()
    actions = [
        ActionFactory(
            recommendation=RecommendationFactory(review=review, agency=agency_a, number=f"9.{i}"),
            due_date=today + datetime.timedelta(days=i % 40 - 10),
        )
        for i in range(n)
    ]
    first = actions[0]
    for i, action in enumerate(actions):
        state = ["submitted", "more_requested"][i % 2]
        evidence = Evidence.objects.create(action=first, title=f"E{i}", uploaded_by=lead_a, review_state=state)
        for j in range(2):
            stored = EvidenceFile.objects.create(
                evidence=evidence,
                file=f"evidence/x{i}{j}",
                original_name=f"f{j}.pdf",
                content_type="application/pdf",
                size=10,
                sha256="0" * 64,
            )
            EvidenceDownload.objects.create(file=stored, user=manager)
        AssuranceJudgement.objects.create(action=first, level="partial", statement=f"S{i}", recorded_by=manager)
        request = AssuranceRequest.objects.create(
            board=first_board(), agency=agency_a, subject=f"R{i}", due_on=today, sent_by=manager
        )
        request.actions.set([first, action])
        Chase.objects.create(request=request, chased_by=manager)
        event = ChallengeEvent.objects.create(board=first_board(), title=f"C{i}", held_on=today, chair="Chair")
        event.agencies_invited.set([agency_a, agency_b])
        event.agencies_attending.set([agency_a])
        Challenge.objects.create(event=event, action=first, challenge=f"Why {i}?")
    return first


# Every page starts with: session, user, the user's memberships (with an agency lead's agencies).
PAGES = [
    # + count, the agency filter's choices, the page of requests (agency, sender joined; counts annotated)
    ("assurance:requests", "manager", 6),
    ("assurance:requests", "lead_a", 6),
    # + count, agency choices, the page of events, then prefetches: invited, attending, challenges shown
    ("assurance:challenges", "manager", 9),
    ("assurance:challenges", "lead_a", 9),
    # + led agencies, actions due/overdue/awaiting (with review), evidence not accepted, open requests (counted)
    ("assurance:lead-home", "lead_a", 7),
]


@pytest.mark.parametrize("name, persona, expected", PAGES)
@pytest.mark.parametrize("rows", [5, 50])
def test_list_pages_cost_a_fixed_number_of_queries(
    client, personas, review, agency_a, agency_b, django_assert_num_queries, rows, name, persona, expected
):
    build(rows, review, agency_a, agency_b, personas["manager"], personas["lead_a"])
    client_for(client, personas[persona])
    with django_assert_num_queries(expected):
        response = client.get(reverse(name))
    assert response.status_code == 200


DETAILS = [
    # evidence page: session, user, memberships, evidence (+action, review, agency, people), the review's partner
    # boards (the permissions are the review's boards'), files, downloads (+user, file)
    ("assurance:evidence-detail", "manager", 7),
    # request page: session, user, roles, request (+agency, sender), actions (+review), chases (+who)
    ("assurance:request-detail", "manager", 6),
    # the agency's lead: the same, and the agencies they lead (once, for every action's "Upload evidence")
    ("assurance:request-detail", "lead_a", 7),
    # challenge event: session, user, roles, event, challenges (+action, review, agency), invited, attending
    ("assurance:challenge-detail", "manager", 7),
]


@pytest.mark.parametrize("name, persona, expected", DETAILS)
@pytest.mark.parametrize("rows", [5, 50])
def test_detail_pages_cost_a_fixed_number_of_queries(
    client, personas, review, agency_a, agency_b, django_assert_num_queries, rows, name, persona, expected
):
    build(rows, review, agency_a, agency_b, personas["manager"], personas["lead_a"])
    pk = {
        "assurance:evidence-detail": Evidence.objects.first().pk,
        "assurance:request-detail": AssuranceRequest.objects.first().pk,
        "assurance:challenge-detail": ChallengeEvent.objects.first().pk,
    }[name]
    client_for(client, personas[persona])
    with django_assert_num_queries(expected):
        response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_the_assurance_panel_costs_a_fixed_number_of_queries(
    personas, review, agency_a, agency_b, django_assert_num_queries, rows
):
    action = build(rows, review, agency_a, agency_b, personas["manager"], personas["lead_a"])
    request = RequestFactory().get("/")
    request.user = personas["lead_a"]
    template = Template("{% load assurance_tags %}{% action_assurance_panel action %}")
    # roles, led agencies, evidence, files (prefetch), judgements (+who), requests (+agency), challenges (+event)
    with django_assert_num_queries(7):
        html = template.render(Context({"request": request, "action": action}))
    assert f"E{rows - 1}" in html and f"Why {rows - 1}?" in html
