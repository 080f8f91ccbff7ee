"""A review's milestones: counted by the rules of DESIGN.md §10, recorded by the business manager."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from lscb.platform.locking import latest_history_id
from reviews.milestone_rules import DEFAULT_RULES
from reviews.models import Milestone, MilestoneRule, Review, refresh_milestones
from tests.factories import ReviewFactory

D = datetime.date


def milestones_of(review: Review) -> dict[str, Milestone]:
    return {m.rule.key: m for m in Milestone.objects.filter(review=review).select_related("rule")}


@pytest.mark.django_db
def test_a_rapid_reviews_milestones_count_from_the_awareness_date():
    # Aware late on Friday 18 December 2026: Christmas, Boxing Day's substitute and New Year are not working days.
    rapid = ReviewFactory(kind=Review.Kind.RAPID, aware_on=D(2026, 12, 18))
    refresh_milestones(rapid)
    milestones = milestones_of(rapid)
    assert milestones["notify_panel"].due_on == D(2026, 12, 29)  # 21, 22, 23, 24, 29
    assert milestones["rapid_review"].due_on == D(2027, 1, 13)
    assert milestones["notify_panel"].history.count() == 1


@pytest.mark.django_db
def test_a_practice_reviews_report_is_due_in_six_months_and_sent_seven_working_days_before_publication():
    cspr = ReviewFactory(kind=Review.Kind.CSPR, decision_on=D(2026, 8, 31))
    refresh_milestones(cspr)
    assert milestones_of(cspr)["final_report"].due_on == D(2027, 2, 28)
    published = milestones_of(cspr)["published"]
    published.due_on = D(2027, 1, 5)  # the board's planned publication date
    published.save()
    refresh_milestones(cspr)
    assert milestones_of(cspr)["sent_to_panel"].due_on == D(2026, 12, 22)


@pytest.mark.django_db
def test_a_coroners_report_is_answered_in_56_days_or_by_the_extension_agreed():
    pfd = ReviewFactory(kind=Review.Kind.PFD, pfd_report_on=D(2026, 12, 18))
    refresh_milestones(pfd)
    response = milestones_of(pfd)["response"]
    assert response.due_on == D(2027, 2, 12)
    response.extended_to = D(2027, 3, 12)
    response.save()
    refresh_milestones(pfd)
    response = milestones_of(pfd)["response"]
    assert response.due_on == D(2027, 3, 12)
    assert response.state_on(D(2027, 2, 20)) == Milestone.State.ON_TIME


@pytest.mark.django_db
def test_the_review_page_shows_a_conversion_both_ways(client, manager):
    rapid = ReviewFactory(kind=Review.Kind.RAPID, reference="RR 2026/03", slug="rr-3")
    cspr = ReviewFactory(kind=Review.Kind.CSPR, reference="CSPR 2026/04", slug="cspr-4", converted_from=rapid)
    client = client_for(client, manager)
    assert list(rapid.converted_to.all()) == [cspr]
    assert client.get(reverse("board:review", args=["rr-3"])).context["converted_to"] == [cspr]
    assert client.get(reverse("board:review", args=["cspr-4"])).context["converted_from"] == rapid


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2026, 12, 17), Milestone.State.ON_TIME),  # the 29th is 6 working days on (18, 21-24, 29)
        (D(2026, 12, 18), Milestone.State.DUE_SOON),  # and 5 from the 18th
        (D(2026, 12, 21), Milestone.State.DUE_SOON),
        (D(2026, 12, 29), Milestone.State.DUE_SOON),
        (D(2026, 12, 30), Milestone.State.OVERDUE),
    ],
)
def test_a_milestone_is_due_soon_within_five_working_days(today, state):
    assert Milestone(due_on=D(2026, 12, 29)).state_on(today) == state


def test_a_milestone_done_after_its_due_date_was_done_late():
    assert Milestone(due_on=D(2026, 12, 29), done_on=D(2026, 12, 30)).state_on(D(2027, 1, 5)) == "done_late"
    assert Milestone(due_on=D(2026, 12, 29), done_on=D(2026, 12, 29)).state_on(D(2027, 1, 5)) == "done"
    assert Milestone().state_on(D(2027, 1, 5)) == "no_date"


@pytest.mark.django_db
def test_the_manager_records_a_milestone_and_the_reviews_own_date_follows(client, manager):
    rapid = ReviewFactory(kind=Review.Kind.RAPID, aware_on=D(2026, 3, 2), slug="rr-1")
    refresh_milestones(rapid)
    notify = milestones_of(rapid)["notify_panel"]
    url = reverse("reviews:milestone-edit", args=["rr-1", notify.pk])
    data = {"done_on": "10/03/2026", "note": "Sent through Ofsted's form.", "seen": latest_history_id(notify)}
    response = client_for(client, manager).post(url, data)
    assert response.status_code == 302
    notify.refresh_from_db()
    rapid.refresh_from_db()
    assert notify.done_on == D(2026, 3, 10) and notify.recorded_by == manager
    assert notify.state == Milestone.State.DONE_LATE  # due 9 March
    assert rapid.panel_notified_on == D(2026, 3, 10)
    assert notify.history.latest().history_user == manager


@pytest.mark.django_db
def test_a_bad_date_is_refused_and_changes_nothing(client, manager):
    rapid = ReviewFactory(kind=Review.Kind.RAPID, aware_on=D(2026, 3, 2), slug="rr-1")
    refresh_milestones(rapid)
    notify = milestones_of(rapid)["notify_panel"]
    url = reverse("reviews:milestone-edit", args=["rr-1", notify.pk])
    data = {"done_on": "31/02/2026", "seen": latest_history_id(notify)}
    response = client_for(client, manager).post(url, data)
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    notify.refresh_from_db()
    assert notify.done_on is None


@pytest.mark.django_db
def test_a_changed_rule_moves_the_due_dates_of_open_reviews(admin_client):
    rapid = ReviewFactory(kind=Review.Kind.RAPID, aware_on=D(2026, 3, 2))
    refresh_milestones(rapid)
    rule = MilestoneRule.objects.get(kind="rapid", key="notify_panel")
    rule.amount = 3
    rule.save()
    refresh_milestones(rapid)
    assert milestones_of(rapid)["notify_panel"].due_on == D(2026, 3, 5)


@pytest.mark.django_db
def test_changing_the_kind_drops_open_milestones_of_the_old_kind_but_keeps_noted_ones():
    review = ReviewFactory(kind=Review.Kind.RAPID, aware_on=D(2026, 3, 2))
    refresh_milestones(review)
    noted = milestones_of(review)["rapid_review"]
    noted.note = "Panel asked for more time."
    noted.save()
    review.kind = Review.Kind.CSPR
    review.save()
    refresh_milestones(review)
    assert set(milestones_of(review)) == {
        "rapid_review",
        "commissioned",
        "final_report",
        "sent_to_panel",
        "published",
        "action_plan",
        "impact",
    }


@pytest.mark.django_db
def test_a_date_at_the_calendars_end_leaves_the_due_date_unset_rather_than_failing():
    review = ReviewFactory(kind=Review.Kind.CSPR, decision_on=D(9999, 12, 31))
    refresh_milestones(review)
    assert milestones_of(review)["final_report"].due_on is None


@pytest.mark.django_db
def test_a_rapid_review_created_late_on_a_friday_counts_from_that_friday_in_london(client, manager, monkeypatch):
    # 23:30 on Friday 5 June 2026 in London is 22:30 UTC: the review is created, and the clock starts, that Friday.
    friday_night = datetime.datetime(2026, 6, 5, 22, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: friday_night)
    data = {"kind": "rapid", "slug": "rr-friday", "subject": "Child R", "title": "Child R: rapid review",
            "status": "in_progress", "aware_on": "05/06/2026"}  # fmt: skip
    assert client_for(client, manager).post(reverse("reviews:create"), data).status_code == 302
    rapid = Review.objects.get(slug="rr-friday")
    assert timezone.localtime(rapid.created_at).date() == D(2026, 6, 5)
    milestones = milestones_of(rapid)
    assert milestones["notify_panel"].due_on == D(2026, 6, 12)  # the next Friday: day 0 is the Friday itself
    assert milestones["rapid_review"].due_on == D(2026, 6, 26)
    assert milestones["notify_panel"].state == Milestone.State.DUE_SOON  # five working days left, seen that night


README_KINDS = {
    "rapid": "rapid review",
    "cspr": "practice review",
    "scr": "SCR",
    "sar": "SAR",
    "dhr": "DHR",
    "pfd": "coroner's PFD report",
    **{kind: "every kind but rapid" for kind in ("learning", "audit", "section11", "other")},
}
SOURCES = ["Working Together", "Home Office", "Coroners (Investigations) Regulations 2013", "Care Act 2014"]


def test_the_readme_explains_each_kinds_milestones_and_where_the_defaults_come_from():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## The review's life and its statutory clocks")[1].split("\n## ")[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in section.splitlines() if line[:2] == "| "]
    assert set(README_KINDS) == {kind for kind, _ in Review.Kind.choices}
    for kind, rules in DEFAULT_RULES.items():
        for _key, name, *_rest, source in rules:
            words = name.split(" (")[0].lower()
            kinds = {README_KINDS[kind], "every kind but rapid"} if kind != "rapid" else {"rapid review"}
            found = [row for row in rows if any(k in row[0] for k in kinds) and words in row[1].lower()]
            assert found, f"README has no row for {kind}'s milestone {name!r}"
            for cited in (s for s in SOURCES if s in source):
                assert any(cited in row[3] for row in found), f"README does not cite {cited} for {kind}: {name}"


@pytest.mark.django_db
def test_each_state_filter_holds_exactly_the_milestones_in_that_state_today():
    """MilestoneQuerySet.in_states, the milestone list's state filter, agrees with Milestone.state_on row by row:
    the edges (due today, the last day of "due soon", done on the day due) included."""
    from reviews import clocks
    from reviews.models import DUE_SOON_WORKING_DAYS

    today = D(2026, 12, 2)
    soon = clocks.add_working_days(today, DUE_SOON_WORKING_DAYS)
    review = ReviewFactory(kind=Review.Kind.CSPR)
    day = datetime.timedelta(days=1)
    dates = [  # (due, done)
        (today - day, None), (today, None), (soon, None), (soon + day, None), (None, None),
        (today, today), (today, today + day), (None, today), (today + 9 * day, today),
    ]  # fmt: skip
    for order, (due, done) in enumerate(dates):
        rule = MilestoneRule.objects.create(kind=review.kind, key=f"edge-{order}", name=f"Edge {order}", order=order)
        Milestone.objects.create(review=review, rule=rule, name=rule.name, order=order, due_on=due, done_on=done)
    every = list(Milestone.objects.filter(review=review))
    assert {m.state_on(today) for m in every} == set(Milestone.State.values)
    for state in Milestone.State.values:
        expected = sorted(m.pk for m in every if m.state_on(today) == state)
        found = sorted(Milestone.objects.filter(review=review).in_states([state], today).values_list("pk", flat=True))
        assert found == expected, state
    both = Milestone.objects.in_states([Milestone.State.DONE, Milestone.State.OVERDUE], today)
    assert both.count() == sum(m.state_on(today) in ("done", "overdue") for m in every)


@pytest.mark.django_db
def test_a_date_saved_on_the_review_marks_its_milestone_done_by_the_person_who_saved_it(client, manager):
    rapid = ReviewFactory(kind=Review.Kind.RAPID, aware_on=D(2026, 3, 2), slug="rr-1", reference="RR 2026/01")
    refresh_milestones(rapid)
    data = {
        "seen": latest_history_id(rapid),
        "board": rapid.board_id,
        "kind": rapid.kind,
        "reference": rapid.reference,
        "slug": rapid.slug,
        "subject": rapid.subject,
        "title": rapid.title,
        "status": rapid.status,
        "aware_on": "02/03/2026",
        "panel_notified_on": "06/03/2026",
    }
    response = client_for(client, manager).post(reverse("reviews:edit", args=["rr-1"]), data)
    assert response.status_code == 302
    notify = milestones_of(rapid)["notify_panel"]
    assert notify.done_on == D(2026, 3, 6) and notify.recorded_by == manager
    # Counting again later (the nightly reminders, a changed rule) keeps who recorded it.
    refresh_milestones(rapid)
    assert milestones_of(rapid)["notify_panel"].recorded_by == manager
