"""The NHS Safeguarding Case Review Tracker's fields for the reviews in scope, as CSV (issue 17, DESIGN.md §10).

Designated professionals copy each review into NHS England's tracker (S-CRT) by hand: its StEIS number and
local reference, the partnership, the type of review ("converted" when a rapid review became a practice
review), the dates of the rapid review, Panel notification, commissioning, sign-off and publication with
the link, whether it is open or closed, its current stage and slippage, its themes and the learning shared.
The review register offers these columns for the reviews it lists (same scope, same filters, the board in
view), to the people who read the whole board; README "Case Review Tracker export" lists them.

A board has tens of reviews, not thousands: the file is written in the request, in a fixed number of queries.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from actions import scope
from reviews.models import LearningActivity, Milestone, Recommendation, Review, next_milestone


@dataclass
class TrackerRow:
    """One review with what the tracker asks about it, read in bulk beforehand."""

    review: Review
    rapid: Review | None  # the rapid review itself, or the one it was converted from (if the person sees it)
    milestones: list[Milestone]
    themes: list[str]
    learning: list[LearningActivity]

    @property
    def next(self) -> Milestone | None:
        return next_milestone(self.milestones)

    @property
    def current_stage(self) -> str:
        done = [m for m in self.milestones if m.done_on]
        return max(done, key=lambda m: (m.done_on, m.order)).name if done else ""

    @property
    def tracker_status(self) -> str:
        """The tracker's own: closed once published (or embargoed) or completed and signed off, else open."""
        return "Closed" if self.review.published_on or self.review.signed_off_on else "Open"


def _rapid(row: TrackerRow, field: str):
    return getattr(row.rapid, field) if row.rapid else None


def _panel_notified(row: TrackerRow):
    return row.review.panel_notified_on or _rapid(row, "panel_notified_on")


def _ofsted(row: TrackerRow) -> str:
    return row.review.ofsted_reference or _rapid(row, "ofsted_reference") or ""


def _converted_from(row: TrackerRow) -> str:
    if row.rapid is None or row.rapid is row.review:
        return ""
    return row.rapid.reference or row.rapid.title


COLUMNS: list[tuple[str, Callable[[TrackerRow], object]]] = [
    ("Local reference", lambda row: row.review.reference),
    ("StEIS reference", lambda row: row.review.steis_reference),
    ("Review", lambda row: row.review.title),
    ("Subject (pseudonym)", lambda row: row.review.subject),
    ("Type of review", lambda row: row.review.get_kind_display()),
    ("Converted from rapid review", _converted_from),
    ("Safeguarding partnership or board", lambda row: row.review.board.name),
    ("Partner boards", lambda row: "; ".join(board.name for board in row.review.partner_boards.all())),
    ("Council of the incident", lambda row: row.review.incident_council),
    ("Council of residence", lambda row: row.review.home_council),
    ("Date aware", lambda row: row.review.aware_on),
    ("Panel notified", _panel_notified),
    ("Ofsted reference", _ofsted),
    ("Rapid review date", lambda row: _rapid(row, "decision_on")),
    ("Rapid review decision", lambda row: row.rapid.get_decision_display() if row.rapid else ""),
    ("Decision date", lambda row: row.review.decision_on),
    ("Decision", lambda row: row.review.get_decision_display()),
    ("Commissioned (LCSPR, SAR or DHR)", lambda row: row.review.commissioned_on),
    ("Independent author", lambda row: row.review.author),
    ("Signed off", lambda row: row.review.signed_off_on),
    ("Sent to the Panel and the Secretary of State", lambda row: row.review.sent_to_panel_on),
    ("Published", lambda row: row.review.published_on),
    ("Publication link", lambda row: row.review.publication_url),
    ("Tracker status", lambda row: row.tracker_status),
    ("Board's status", lambda row: row.review.get_status_display()),
    ("Current stage", lambda row: row.current_stage),
    ("Next milestone", lambda row: row.next.name if row.next else ""),
    ("Next milestone due", lambda row: row.next.due_on if row.next else None),
    ("Slippage", lambda row: row.next.get_state_display() if row.next else ""),
    ("Milestones done late", lambda row: "; ".join(m.name for m in row.milestones if m.state == m.State.DONE_LATE)),
    ("Themes", lambda row: "; ".join(row.themes)),
    (
        "Learning shared",
        lambda row: "; ".join(f"{a.get_kind_display()} {a.held_on:%d/%m/%Y}: {a.title}" for a in row.learning),
    ),
]
HEADINGS = [heading for heading, _ in COLUMNS]


def tracker_rows(user, reviews: QuerySet) -> list[TrackerRow]:
    """Each review (already scoped and filtered) with its rapid review, milestones, themes and learning shared;
    six queries, whatever the number of reviews."""
    themes = Recommendation.themes.through.objects.order_by("theme__name")
    learning = LearningActivity.objects.for_user(user).order_by("held_on", "pk")
    reviews = list(
        reviews.select_related("board", "converted_from")
        .prefetch_related(
            "partner_boards",
            Prefetch("milestones", queryset=Milestone.objects.order_by("order", "pk")),
            Prefetch("learning_activities", queryset=learning, to_attr="learning_in_scope"),
        )
        .order_by("-commissioned_on", "title", "pk")
    )
    ids = [review.pk for review in reviews]
    by_review: dict[int, list[str]] = {}
    for review_id, name in themes.filter(recommendation__review__in=ids).values_list(
        "recommendation__review", "theme__name"
    ):
        names = by_review.setdefault(review_id, [])
        if name not in names:
            names.append(name)
    converted = {review.converted_from_id for review in reviews if review.converted_from_id}
    rapid_in_scope = set(scope.reviews_for(user).filter(pk__in=converted).values_list("pk", flat=True))
    return [
        TrackerRow(
            review=review,
            rapid=review if review.kind == Review.Kind.RAPID else _seen(review.converted_from, rapid_in_scope),
            milestones=list(review.milestones.all()),
            themes=by_review.get(review.pk, []),
            learning=review.learning_in_scope,
        )
        for review in reviews
    ]


def _seen(review: Review | None, in_scope: set[int]) -> Review | None:
    return review if review is not None and review.pk in in_scope else None


def tracker_cells(rows: list[TrackerRow]) -> Iterator[list]:
    for row in rows:
        yield [read(row) for _, read in COLUMNS]
