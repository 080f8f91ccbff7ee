"""The meeting pack (issue 16): what a subgroup discusses at one meeting, for the reviews chosen.

Every section reads a definition the product already has, so the pack says what the pages say:

- overdue or red: `Action.objects.overdue()` on the meeting's date (red is overdue by the RAG's rule, `rag_for`);
- due before the next meeting: open actions (`OPEN_STATUSES`) due from the meeting's date to the day before
  the subgroup's next recorded meeting (six weeks on when none is recorded);
- changed since the last meeting: each action's history (django-simple-history) as it stood at the end of the
  last meeting's day against the action now: status, due date and assurance level, old → new, printed by the
  one field diff (lscb.platform.diff), and its RAG then and now;
- evidence awaiting the board's review (`Evidence.objects.awaiting_review()`) and actions done, awaiting
  evidence (`Action.objects.awaiting_evidence()`, the dashboard's and the lead's page's definition);
- "Not accepted" and "On hold", with their reasons (`REASON_REQUIRED`);
- requests with no response (`AssuranceRequest.objects.no_response()`) on the meeting's date;
- the dashboard's figures (lscb.board.dashboard) for these reviews, counted today.

Everything is read through the requester's scope on the meeting's board, in the worker (meeting_pack_files).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from actions.choices import OPEN_STATUSES, REASON_REQUIRED, Rag
from actions.models import Action, rag_for
from assurance.models import AssuranceRequest, Evidence, Meeting
from lscb.board.dashboard import figures
from lscb.board.dashboard.parts import count_parts
from lscb.platform.diff import FieldChange, field_change
from lscb.platform.values import NONE, long_date, person, short_date
from reviews.models import Agency, Review

# With no next meeting recorded, "due before the next meeting" looks this far ahead.
NEXT_MEETING_DEFAULT = datetime.timedelta(weeks=6)
# The action's fields whose change the subgroup hears about, old → new.
CHANGED_FIELDS = ("status", "due_date", "assurance_level")

SECTION_TITLES = {
    "overdue": "Actions overdue (red)",
    "due": "Actions due before the next meeting",
    "changed": "Changed since the last meeting",
    "evidence": "Evidence awaiting the board's review",
    "reasons": "Not accepted and on hold, with reasons",
    "requests": "Assurance requests with no response",
    "figures": "Figures from the dashboard",
}


@dataclass
class ActionChange:
    """One action whose status, due date or assurance level changed since the last meeting."""

    action: Action
    changes: list[FieldChange]
    new: bool = False  # added since the last meeting: every value was "(none)"


@dataclass
class Pack:
    """Everything the meeting pack prints, in Word and PDF alike."""

    meeting: Meeting
    reviews: list[Review]
    since: datetime.date
    until: datetime.date
    board_name: str
    marking: str
    generated_by: str
    generated_at: datetime.datetime
    overdue: list[Action] = field(default_factory=list)
    due: list[Action] = field(default_factory=list)
    changed: list[ActionChange] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    awaiting_evidence: list[Action] = field(default_factory=list)
    reasons: list[Action] = field(default_factory=list)
    requests: list[AssuranceRequest] = field(default_factory=list)
    agency_rows: list = field(default_factory=list)
    totals: object = None
    progress: list = field(default_factory=list)
    review = None  # the plan's Word helpers ask; a pack is no one review's plan

    @property
    def title(self) -> str:
        return f"Meeting pack: {self.meeting.subgroup.name}, {long_date(self.meeting.held_on)}"

    @property
    def period(self) -> str:
        return f"Changes since {long_date(self.since)}; due before {long_date(self.until)}"

    @property
    def sections(self) -> dict[str, str]:
        return SECTION_TITLES


def default_until(meeting: Meeting) -> datetime.date:
    following = meeting.following()
    return following.held_on if following else meeting.held_on + NEXT_MEETING_DEFAULT


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, local time: a change made on the last meeting's day is before it."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def build(user, meeting: Meeting, reviews: list[Review], since: datetime.date, until: datetime.date) -> Pack:
    """The pack for `user`'s scope on the meeting's board. A bounded number of queries, whatever the board's size."""
    board = meeting.subgroup.board
    pack = Pack(
        meeting, reviews, since, until, board.name, board.protective_marking, person(user), timezone.localtime()
    )
    ids = [review.pk for review in reviews]
    actions = (
        Action.objects.for_user(user)
        .on_boards([board.pk])
        .filter(review__in=ids)
        .select_related("recommendation__review", "agency")
        .order_by("recommendation__review__subject", "recommendation__sort_key", "recommendation_id", "pk")
    )
    day = meeting.held_on
    pack.overdue = list(actions.overdue(day))
    pack.due = list(actions.filter(status__in=OPEN_STATUSES, due_date__gte=day, due_date__lt=until))
    pack.changed = changes_since(actions, since)
    pack.evidence = list(
        Evidence.objects.for_user(user)
        .on_boards([board.pk])
        .awaiting_review()
        .filter(action__review__in=ids)
        .with_action()
        .order_by("uploaded_at", "pk")
    )
    pack.awaiting_evidence = list(actions.awaiting_evidence())
    pack.reasons = list(actions.filter(status__in=REASON_REQUIRED))
    pack.requests = list(
        AssuranceRequest.objects.for_user(user)
        .on_boards([board.pk])
        .no_response(day)
        .filter(pk__in=AssuranceRequest.objects.filter(actions__review__in=ids).values("pk"))
        .select_related("agency")
        .order_by("due_on", "pk")
    )
    _figures(pack, user, board.pk)
    return pack


def changes_since(actions, since: datetime.date) -> list[ActionChange]:
    """Each action as it stood at the end of `since` (its last history row by then) against the action now."""
    history = Action.history.model
    moment = end_of_day(since)
    last_then = (
        history.objects.filter(id=OuterRef("id"), history_date__lt=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    then = {
        row["id"]: row
        for row in history.objects.filter(id__in=actions.values("pk"), history_id=Subquery(last_then)).values(
            "id", "history_type", *CHANGED_FIELDS
        )
    }
    fields = [Action._meta.get_field(name) for name in CHANGED_FIELDS]
    changed = []
    for action in actions:
        before = then.get(action.pk)
        if before is not None and before["history_type"] == "-":
            before = None
        old = before or dict.fromkeys(CHANGED_FIELDS)
        rows = [
            field_change(f, old[f.name], getattr(action, f.name))
            for f in fields
            if old[f.name] != getattr(action, f.name)
        ]
        if not rows:
            continue
        old_rag = rag_for(old["status"], old["due_date"], since) if before else None
        new_rag = action.rag
        if old_rag != new_rag:
            rows.append(FieldChange("RAG", Rag(old_rag).label if old_rag else "(none)", Rag(new_rag).label))
        changed.append(ActionChange(action, rows, new=before is None))
    return changed


def _figures(pack: Pack, user, board_id: int) -> None:
    """The dashboard's agency table and progress by review, for the reviews chosen (four queries or five)."""
    today = timezone.localdate()
    scope = figures.user_scope(user, pack.reviews, board_id)
    ids = [review.pk for review in pack.reviews]
    parts = count_parts(scope, ids, today)
    parts = {pk: parts[pk] for pk in ids}
    by_agency = figures.sum_by_agency(list(parts.values()))
    names = dict(Agency.objects.filter(pk__in=set(by_agency) - {None}).values_list("pk", "name"))
    pack.agency_rows, pack.totals = figures.agency_rows(by_agency, names, None)
    pack.progress = figures.review_progress(parts, pack.reviews)


@dataclass
class Table:
    """One table of a section, the same cells in Word and PDF (a line break inside a cell is "\\n")."""

    caption: str
    headings: list[str]
    rows: list[list[str]]
    empty: str


@dataclass
class Section:
    key: str
    title: str
    intro: str
    tables: list[Table]


ACTION_HEADINGS = ["Action", "Agency", "What the agency will do", "Lead officer", "Due", "Status"]


def action_ref(action: Action) -> str:
    """ "Child A 1.1": the review's subject and the recommendation's number, as the plan prints them."""
    return f"{action.recommendation.review.subject} {action.recommendation.number}"


def _action_cells(action: Action) -> list[str]:
    return [
        action_ref(action),
        action.agency.name if action.agency else "Board-wide",
        action.description,
        action.lead_officer or NONE,
        short_date(action.due_date),
        f"{action.get_status_display()} ({action.get_rag_display()})",
    ]


def sections(pack: Pack) -> list[Section]:
    """The pack's sections in order, each as tables of printed cells."""
    return [
        Section(
            "overdue",
            SECTION_TITLES["overdue"],
            f"Open actions whose due date is before the meeting ({short_date(pack.meeting.held_on)}).",
            [
                Table(
                    "Overdue actions",
                    ACTION_HEADINGS,
                    [_action_cells(a) for a in pack.overdue],
                    "No action is overdue.",
                )
            ],
        ),
        Section(
            "due",
            SECTION_TITLES["due"],
            f"Open actions due from {short_date(pack.meeting.held_on)} to the day before {short_date(pack.until)}.",
            [Table("Actions due", ACTION_HEADINGS, [_action_cells(a) for a in pack.due], "No action falls due.")],
        ),
        Section(
            "changed",
            SECTION_TITLES["changed"],
            f"Actions whose status, due date or assurance level changed after {long_date(pack.since)}: "
            "as they stood then → as they stand now.",
            [
                Table(
                    "Changes",
                    ["Action", "Agency", "What the agency will do", "What changed (old → new)"],
                    [
                        [
                            action_ref(c.action) + (" (new)" if c.new else ""),
                            c.action.agency.name if c.action.agency else "Board-wide",
                            c.action.description,
                            "\n".join(f"{f.label}: {f.before} → {f.after}" for f in c.changes),
                        ]
                        for c in pack.changed
                    ],
                    "No action's status, due date or assurance level changed.",
                )
            ],
        ),
        Section(
            "evidence",
            SECTION_TITLES["evidence"],
            "Evidence an agency has submitted that the board has not yet accepted or returned; and actions the "
            "agency says are completed, whose evidence the board awaits.",
            [
                Table(
                    "Evidence submitted, not yet reviewed",
                    ["Action", "Agency", "Evidence", "Produced", "Submitted"],
                    [
                        [
                            action_ref(e.action),
                            e.action.agency.name if e.action.agency else "Board-wide",
                            e.title,
                            short_date(e.produced_on),
                            short_date(e.uploaded_at.date()),
                        ]
                        for e in pack.evidence
                    ],
                    "No evidence awaits the board's review.",
                ),
                Table(
                    "Completed, awaiting evidence",
                    ACTION_HEADINGS,
                    [_action_cells(a) for a in pack.awaiting_evidence],
                    "No completed action awaits evidence.",
                ),
            ],
        ),
        Section(
            "reasons",
            SECTION_TITLES["reasons"],
            "Actions not accepted or on hold, with the reason recorded.",
            [
                Table(
                    "Not accepted and on hold",
                    ["Action", "Agency", "What the agency will do", "Status", "Reason"],
                    [
                        [
                            action_ref(a),
                            a.agency.name if a.agency else "Board-wide",
                            a.description,
                            a.get_status_display(),
                            a.status_reason or NONE,
                        ]
                        for a in pack.reasons
                    ],
                    "No action is on hold or not accepted.",
                )
            ],
        ),
        Section(
            "requests",
            SECTION_TITLES["requests"],
            f"Requests about these reviews' actions whose reply was due before {short_date(pack.meeting.held_on)} "
            "and has not come.",
            [
                Table(
                    "Requests with no response",
                    ["Agency", "Request", "Sent", "Reply due by"],
                    [[r.agency.name, r.subject, short_date(r.sent_on), short_date(r.due_on)] for r in pack.requests],
                    "Every request has been answered, or is not yet due.",
                )
            ],
        ),
        Section("figures", SECTION_TITLES["figures"], "As the dashboard counts them today.", _figure_tables(pack)),
    ]


def _figure_tables(pack: Pack) -> list[Table]:
    rows = [*pack.agency_rows, *([pack.totals] if pack.totals else [])]
    by_agency = [
        [
            row.name,
            str(row.total.count),
            str(row.overdue.count),
            str(row.awaiting_evidence.count),
            f"{row.completed.count} ({row.pct_completed}%)",
            f"{row.assured.count} ({row.pct_assured}%)",
            row.rag_summary,
        ]
        for row in rows
    ]
    by_review = [
        [
            p.review.title,
            str(p.total.count),
            f"{p.completed.count} ({p.pct_completed}%)",
            str(p.evidenced.count),
            str(p.impact_evidenced.count),
            f"{p.assured.count} ({p.pct_assured}%)",
        ]
        for p in pack.progress
    ]
    return [
        Table(
            "Actions by agency",
            ["Agency", "Actions", "Overdue", "Awaiting evidence", "Completed", "Assured", "RAG"],
            by_agency,
            "No actions.",
        ),
        Table(
            "Progress by review",
            ["Review", "Actions", "Completed", "Evidenced", "Impact evidenced", "Assured"],
            by_review,
            "No reviews.",
        ),
    ]
