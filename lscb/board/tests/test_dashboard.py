"""The board dashboard: every figure agrees with the action list, scope, query counts."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.choices import ActionStatus, AssuranceLevel, Rag
from actions.models import Action
from conftest import client_for
from lscb.board.dashboard import figures as dashboard
from lscb.board.dashboard import parts as dashboard_parts
from reviews.models import Board
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AssuranceJudgementFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
    make_lead,
)

LIST_PARAMETERS = {"review", "agency", "status", "rag", "assurance", "overdue"}


def listed_count(user, url: str) -> int:
    """How many actions the real `/actions/` page lists for this figure's link, as this user."""
    parsed = urlparse(url)
    assert parsed.path == "/actions/"
    params = parse_qs(parsed.query)
    assert set(params) <= LIST_PARAMETERS, f"not a §8 filter parameter: {set(params) - LIST_PARAMETERS}"
    response = signed_in_client(user).get(url)
    assert response.status_code == 200 and not response.context["form"].errors, url
    return response.context["paginator"].count


def signed_in_client(user) -> Client:
    """One client a user for a test's many links (a test's users are new objects, so never a stale session)."""
    if getattr(user, "_test_client", None) is None:
        user._test_client = Client()
        user._test_client.force_login(user)
    return user._test_client


class FigureLinks(HTMLParser):
    """Collects (href, count) for every link to the action list on a page."""

    def __init__(self):
        super().__init__()
        self.links, self._href, self._text = [], None, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        href = attrs.get("href") or ""
        # Figures are plain links; the lead's "Your agency's actions" button is not a figure.
        if tag == "a" and href.startswith("/actions/") and attrs.get("class") == "govuk-link":
            self._href, self._text = href, ""

    def handle_data(self, data):
        if self._href:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._href:
            text = self._text.strip()
            # "40% (4) Cafcass, assured" counts 4; "3 Cafcass, overdue" counts 3.
            count = re.search(r"\((\d+)\)", text) if "%" in text else re.match(r"(\d+)", text)
            self.links.append((self._href, int(count.group(1))))
            self._href = None


def figure_links(html: str) -> list[tuple[str, int]]:
    parser = FigureLinks()
    parser.feed(html)
    return parser.links


def build_board(agencies: int, review_count: int = 2) -> list:
    """A board with every status, RAG colour and assurance level, spread over `agencies` agencies."""
    today = timezone.localdate()
    reviews = [ReviewFactory(slug=f"board-review-{n}", subject=f"Child R{n}") for n in range(review_count)]
    themes = [ThemeFactory(name=f"Theme {n}") for n in range(3)]
    statuses, levels = list(ActionStatus), list(AssuranceLevel)
    dues = [-40, -3, 10, 90, None]
    created = []
    for n in range(agencies):
        agency = AgencyFactory(name=f"Board agency {n:02d}")
        review = reviews[n % review_count]
        rec = RecommendationFactory(review=review, agency=agency, number=f"{n + 1}.1")
        rec.themes.set(themes[: 1 + n % 3])
        for k in range(2):
            status = statuses[(n + k) % len(statuses)]
            due = dues[(n + 2 * k) % len(dues)]
            created.append(
                ActionFactory(
                    recommendation=rec,
                    status=status,
                    due_date=None if due is None else today + datetime.timedelta(days=due),
                    assurance_level=levels[(n + k) % len(levels)],
                    completed_on=today - datetime.timedelta(days=35 * k)
                    if status in ("completed", "evidenced")
                    else None,
                )
            )
    return created


@pytest.fixture
def board(db):
    return build_board(agencies=8)


@pytest.mark.parametrize("persona", ["manager", "chair", "lead_a"])
def test_every_figure_links_to_the_action_list_that_lists_exactly_that_many(client, personas, persona, board):
    user = personas[persona]
    if persona == "lead_a":
        make_lead(user, board[0].agency)  # lead_a also leads one of the board's agencies
    html = client_for(client, user).get("/dashboard/").content.decode()
    links = figure_links(html)
    assert len(links) > (20 if persona == "lead_a" else 100)
    for href, count in links:
        assert listed_count(user, href) == count, href


def test_figures_agree_with_the_list_when_narrowed_to_one_review(client, manager, board):
    html = client_for(client, manager).get("/dashboard/?review=board-review-1").content.decode()
    links = figure_links(html)
    assert links and all("review=board-review-1" in href for href, _ in links)
    for href, count in links:
        assert listed_count(manager, href) == count, href
    totals = dashboard.build(manager, "board-review-1").totals
    assert totals.total.count == Action.objects.filter(recommendation__review__slug="board-review-1").count()


def test_counts_match_the_models_own_rag_overdue_and_awaiting_evidence(manager, board):
    totals = dashboard.build(manager).totals
    actions = list(Action.objects.all())
    assert totals.total.count == len(actions)
    assert [s.figure.count for s in totals.rag] == [sum(a.rag == r for a in actions) for r in Rag]
    assert totals.overdue.count == sum(a.is_overdue for a in actions) > 0
    assert totals.awaiting_evidence.count == sum(a.status == ActionStatus.COMPLETED for a in actions) > 0
    assert totals.completed.count == sum(a.is_done for a in actions)
    assert totals.pct_completed == round(100 * totals.completed.count / len(actions))
    assert sum(s.width for s in totals.rag) == pytest.approx(100, abs=0.1)


def dashboard_queries(client, user, django_assert_num_queries, expected: int) -> str:
    client_for(client, user)
    # session, user, roles (groups); generations (one query); reviews; counts by agency and review;
    # agency names; heat map; learning activities by theme; completions by day; judgements by day; then,
    # never cached, the overdue
    # impact evaluations: recommendations, actions.
    with django_assert_num_queries(expected):
        response = client.get("/dashboard/")
    assert response.status_code == 200
    # Unchanged data: the figures come from the cache, after the generations.
    with django_assert_num_queries(expected - 7):
        assert figure_links(client.get("/dashboard/").content.decode()) == figure_links(response.content.decode())
    return response.content.decode()


@pytest.mark.parametrize("agencies", [5, 50])
def test_dashboard_query_count_does_not_grow_with_the_board(client, manager, django_assert_num_queries, agencies):
    build_board(agencies=agencies)
    html = dashboard_queries(client, manager, django_assert_num_queries, 14)  # + deadlines, impact figures
    assert html.count("Board agency") >= 3 * agencies


@pytest.mark.parametrize("agencies", [5, 50])
def test_lead_dashboard_query_count_does_not_grow(client, lead_a, django_assert_num_queries, agencies):
    created = build_board(agencies=agencies)
    for action in created[::4]:
        make_lead(lead_a, action.agency)
    # + their agencies' names for the "You lead" panel (the ids come with the memberships), impact figures.
    dashboard_queries(client, lead_a, django_assert_num_queries, 14)


def test_agency_lead_sees_only_their_own_agencies(client, lead_a, agency_a, action_a, action_b, board):
    rec = RecommendationFactory(review=action_b.recommendation.review, agency=agency_a, number="5.1")
    rec.themes.add(ThemeFactory(name="Information sharing"))
    html = client_for(client, lead_a).get("/dashboard/").content.decode()
    assert "Agency A (Children" in html
    assert "Agency B" not in html and "Board agency" not in html
    assert "board-review" not in html  # reviews without the lead's agencies are not even named
    board_view = dashboard.build(lead_a)
    assert [row.name for row in board_view.agency_rows] == [agency_a.name]
    assert board_view.totals.total.count == 1
    assert [r.review.slug for r in board_view.progress] == ["child-q"]
    assert [(row.theme, row.cells) for row in board_view.heat_rows] == [("Information sharing", [(1, 5)])]


def test_agency_lead_gets_a_prominent_link_to_their_agencys_actions(client, lead_a, agency_a, action_a):
    html = client_for(client, lead_a).get("/dashboard/").content.decode()
    assert "Your agency&#x27;s actions" in html or "Your agency's actions" in html
    assert dashboard.lead_home_url({agency_a.pk}) in html


def test_outsider_sees_an_explanation_and_no_figures(client, outsider, board):
    html = client_for(client, outsider).get("/dashboard/").content.decode()
    assert "You have no role on this board yet" in html
    assert figure_links(html) == [] and "Board agency" not in html and "Progress by agency" not in html


@pytest.mark.parametrize("slug", ["no-such-review", "child-q"])
def test_an_unknown_or_out_of_scope_review_is_reported_and_shows_no_figures(client, lead_b, action_a, slug):
    # child-q has only agency A's action, so it is outside lead_b's scope.
    html = client_for(client, lead_b).get(f"/dashboard/?review={slug}").content.decode()
    assert "There is a problem" in html and f"There is no review “{slug}” that you can see" in html
    assert figure_links(html) == [] and "Progress by agency" not in html


def test_heat_map_counts_recommendations_per_theme_and_review_with_printed_numbers(client, manager, agency_a):
    info, records = ThemeFactory(name="Information sharing"), ThemeFactory(name="Record keeping")
    first, second = ReviewFactory(subject="Child E"), ReviewFactory(subject="Child F")
    for n, (review, themes) in enumerate([(first, [info]), (first, [info, records]), (second, [info])] * 2):
        RecommendationFactory(review=review, agency=agency_a, number=f"9.{n}").themes.set(themes)
    rows = {row.theme: row for row in dashboard.build(manager).heat_rows}
    order = [r.pk for r in dashboard.build(manager).heat_reviews]
    counts = {first.pk: 4, second.pk: 2}
    assert rows["Information sharing"].cells == [(counts[pk], 5 if counts[pk] == 4 else 3) for pk in order]
    assert rows["Information sharing"].total == 6 and rows["Information sharing"].reviews_with == 2
    assert rows["Record keeping"].total == 2
    html = client_for(client, manager).get("/dashboard/").content.decode()
    assert re.search(r'lscb-heat lscb-heat-5">4</td>', html)  # the number is always printed in the cell


def test_trends_count_completions_and_judgements_by_month(manager, agency_a):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    rec = RecommendationFactory(agency=agency_a)
    done = ActionFactory(recommendation=rec, status=ActionStatus.EVIDENCED, completed_on=today)
    ActionFactory(recommendation=rec, status=ActionStatus.COMPLETED, completed_on=last_month)
    ActionFactory(recommendation=rec, status=ActionStatus.COMPLETED, completed_on=today - datetime.timedelta(days=400))
    ActionFactory(recommendation=rec, status=ActionStatus.IN_PROGRESS, completed_on=today)  # no longer done
    AssuranceJudgementFactory(action=done, judged_on=today)
    AssuranceJudgementFactory(action=done, judged_on=last_month)
    AssuranceJudgementFactory(action=done, judged_on=last_month)
    # Imported without its date: the board judged it some day nobody recorded, never "this month".
    AssuranceJudgementFactory(action=done, judged_on=None, imported_from="old-plan.xlsx")
    trend = dashboard.build(manager).trend
    assert len(trend) == 12 and trend[-1].month == this_month and trend[-2].month == last_month
    assert (trend[-1].completed, trend[-1].judged) == (1, 1)
    assert (trend[-2].completed, trend[-2].judged) == (1, 2)
    assert sum(m.completed for m in trend) == 2
    assert trend[-2].judged_width == 100


def test_cached_figures_are_refreshed_by_any_change(client, manager, action_a):
    client_for(client, manager)

    def overdue() -> int:
        client.get("/dashboard/")
        return dashboard.cached_build(manager).totals.overdue.count

    assert overdue() == 0
    action_a.due_date = timezone.localdate() - datetime.timedelta(days=1)
    action_a.save()
    assert overdue() == 1
    rec = action_a.recommendation
    rec.themes.add(ThemeFactory(name="Supervision"))
    assert [row.theme for row in dashboard.cached_build(manager).heat_rows] == ["Supervision"]
    action_a.agency.name = "Agency A renamed"
    action_a.agency.save()
    assert dashboard.cached_build(manager).agency_rows[0].name == "Agency A renamed"


def test_cached_figures_are_per_scope(lead_a, lead_b, action_a, action_b):
    assert [r.name for r in dashboard.cached_build(lead_a).agency_rows] == [action_a.agency.name]
    assert [r.name for r in dashboard.cached_build(lead_b).agency_rows] == [action_b.agency.name]


def test_month_starts_cross_the_year_boundary():
    months = dashboard_parts.month_starts(datetime.date(2026, 2, 14))
    assert months[0] == datetime.date(2025, 3, 1) and months[-1] == datetime.date(2026, 2, 1)


def test_dashboard_has_a_hidden_print_button_and_no_inline_styles(client, chair, board):
    html = client_for(client, chair).get("/dashboard/").content.decode()
    assert re.search(r"<button[^>]*data-lscb-print hidden", html)
    assert "style=" not in html and "<script>" not in html
    assert reverse("actions:plan-pdf", args=["board-review-0"]) in html


PERSONAS = ["manager", "chair", "lead_a", "lead_b", "outsider", "anonymous"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_dashboard_permissions_for_every_persona(client, personas, persona, method, action_a, action_b):
    before = [(a.pk, a.updated_at) for a in Action.objects.order_by("pk")]
    response = getattr(client_for(client, personas[persona]), method)("/dashboard/")
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == (200 if method == "get" else 405)
    assert [(a.pk, a.updated_at) for a in Action.objects.order_by("pk")] == before
    assert Action.history.count() == 2


def test_the_drawn_figures_are_reused_until_a_change(client, manager, action_a, django_assert_num_queries):
    client_for(client, manager)
    awaiting = dashboard.actions_url(agency=action_a.agency_id, status=ActionStatus.COMPLETED.value)
    first = client.get("/dashboard/").content.decode()
    assert dict(figure_links(first))[awaiting] == 0
    # session, user, memberships; generations: figures and drawing cached; the deadlines panel (never cached);
    # overdue evaluations (recommendations, actions)
    with django_assert_num_queries(7):
        again = client.get("/dashboard/").content.decode()
    assert figure_links(again) == figure_links(first) and "Learning themes across reviews" in again
    action_a.status = ActionStatus.COMPLETED
    action_a.save()
    assert dict(figure_links(client.get("/dashboard/").content.decode()))[awaiting] == 1


def test_done_awaiting_evidence_holds_only_what_the_dashboard_counts_as_awaiting_evidence(
    client, lead_a, review, agency_a
):
    """One definition (Action.objects.awaiting_evidence): "Completed", never "Completed and evidenced" or "Embedded"."""
    from actions.choices import ActionStatus
    from actions.models import Action
    from tests.factories import ActionFactory, RecommendationFactory

    rec = RecommendationFactory(review=review, agency=agency_a, number="5.1")
    for status in (ActionStatus.COMPLETED, ActionStatus.EVIDENCED, ActionStatus.EMBEDDED):
        ActionFactory(recommendation=rec, description=f"Action {status.label}", status=status)
    sections = client_for(client, lead_a).get(reverse("assurance:lead-home")).context["sections"]
    awaiting = [action for section in sections for action in section["awaiting"]]
    assert [action.description for action in awaiting] == ["Action Completed"]
    assert list(Action.objects.awaiting_evidence()) == awaiting
    assert dashboard.build(lead_a).totals.awaiting_evidence.count == len(awaiting)


def test_the_print_stylesheet_puts_the_marking_in_every_pages_margins_as_a_safe_css_string(client, manager):
    Board.objects.update(protective_marking='OFFICIAL-SENSITIVE "PERSONAL" </style>')  # the board in view's
    response = client_for(client, manager).get(reverse("board:dashboard-print-css"))
    assert response.status_code == 200 and response["Content-Type"] == "text/css; charset=utf-8"
    css = response.content.decode()
    marking = r'"OFFICIAL-SENSITIVE \22 PERSONAL\22  \3c /style\3e "'
    assert f"@top-right {{ content: {marking};" in css and f"@bottom-center {{ content: {marking};" in css
    assert "size: A4 landscape" in css and "page: auto" in css
    html = client.get("/dashboard/").content.decode()
    assert f'<link rel="stylesheet" media="print" href="{reverse("board:dashboard-print-css")}">' in html
