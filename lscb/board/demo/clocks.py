"""The demo's statutory clocks (DESIGN.md §10): each review's own dates for the national returns, two more reviews
whose deadlines are live (a rapid review due soon, a coroner's report whose response is overdue), and every demo
review's milestones counted, so the dashboard's "Reviews and deadlines" panel and the calendar have content on
the first run. Dates count from today. Every reference, council and link is invented (example.org is reserved).
"""

import datetime

from django.utils import timezone

from reviews import clocks
from reviews.models import Board, Recommendation, Review, refresh_milestones

COUNCIL = "Northbridge Council (fictional)"
NEIGHBOUR = "Eastbridge Council (fictional)"
LINK = "https://example.org/northbridge/{slug}"


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def review_dates(review: Review, today: datetime.date) -> dict:
    """The national returns' fields for one of the demo's existing reviews, from its commissioning date."""
    commissioned = review.commissioned_on or today
    common = {
        "aware_on": commissioned - _days(45),
        "decision_on": commissioned - _days(20),
        "incident_council": COUNCIL,
        "home_council": COUNCIL if review.slug != "family-e" else NEIGHBOUR,
    }
    if review.published_on:
        common.update(
            signed_off_on=review.published_on - _days(30),
            publication_url=LINK.format(slug=review.slug),
        )
    if review.kind in (Review.Kind.CSPR, Review.Kind.RAPID, Review.Kind.SCR):
        common.update(
            panel_notified_on=clocks.add_working_days(common["aware_on"], 4),
            ofsted_reference=f"DEMO-{review.pk:04d}",
            decision=Review.Decision.LOCAL,
            decision_reasons="Agencies did not share what they knew about the household (fictional).",
            steis_reference=f"DEMO/{review.pk:05d}",
        )
        if review.kind == Review.Kind.RAPID:
            # A rapid review's decision comes within 15 working days of the partnership becoming aware.
            common["decision_on"] = clocks.add_working_days(common["aware_on"], 14)
        if review.published_on:
            common["sent_to_panel_on"] = clocks.add_working_days(review.published_on, -8)
    if review.kind == Review.Kind.SAR:
        common["sar_basis"] = Review.SarBasis.DISCRETIONARY if review.slug == "family-e" else Review.SarBasis.MANDATORY
        common["decision_on"] = common["aware_on"] + _days(25)  # within the month the board's target allows
    return common


def ensure_clocks(board: Board, admin) -> None:
    """Fill the demo reviews' dates once, add the two live reviews once, and count every review's milestones."""
    today = timezone.localdate()
    for review in Review.objects.filter(aware_on__isnull=True).exclude(kind=Review.Kind.PFD):
        for name, value in review_dates(review, today).items():
            setattr(review, name, value)
        review._history_user = admin
        review.save()
    if not Review.objects.filter(slug="child-f").exists():
        _save(
            Review(
                board=board,
                slug="child-f",
                kind=Review.Kind.RAPID,
                reference="RR 2026/02",
                subject="Child F",
                title="Child F: rapid review",
                summary="A fictional rapid review. Child F is a pseudonym.",
                # Notified in time; the rapid review itself is due in three working days (due soon).
                aware_on=clocks.add_working_days(today, -12),
                panel_notified_on=clocks.add_working_days(today, -9),
                ofsted_reference="DEMO-RR-0202",
                incident_council=COUNCIL,
                home_council=NEIGHBOUR,
            ),
            admin,
        )
    if not Review.objects.filter(slug="child-g").exists():
        pfd = _save(
            Review(
                board=board,
                slug="child-g",
                kind=Review.Kind.PFD,
                reference="PFD 2026/01",
                subject="Child G",
                title="Child G: coroner's prevention of future deaths report",
                status=Review.Status.PLAN_OPEN,
                summary="A fictional coroner's report, copied to the partnership because Child G was under 18.",
                # Dated 60 days ago: the 56-day response was due four days ago (overdue).
                pfd_report_on=today - _days(60),
                pfd_addressees="Northbridge Safeguarding Children Partnership; Integrated Care Board (fictional)",
                pfd_concerns="1. Referrals were not followed up when the family moved.\n"
                "2. No agency held the whole picture of the child's health needs.",
                incident_council=COUNCIL,
                home_council=COUNCIL,
            ),
            admin,
        )
        for number, text in (
            ("1", "The partnership should make sure referrals follow a family that moves (the coroner's concern 1)."),
            ("2", "The ICB should name one lead for a child's health needs (the coroner's concern 2)."),
        ):
            recommendation = Recommendation(review=pfd, number=number, text=text, source=Recommendation.Source.OTHER)
            recommendation._history_user = admin
            recommendation.save()
    for review in Review.objects.all():
        refresh_milestones(review, by=admin)  # the dates above were recorded by whoever seeds the board


def _save(review: Review, admin) -> Review:
    review._history_user = admin
    review.save()
    return review
