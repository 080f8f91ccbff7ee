"""What every view answers every persona (DESIGN.md §4), one row per URL name (and query variant).

Columns, always in this order: manager, chair, lead_a, lead_b, outsider, signed out.
A code followed by `*` is a request that changes the board (a row or a file): the test checks
that it did. Every other request, allowed or refused, must leave the board exactly as it was.
Signed out, 302 means "sent to the sign-in page"; the test checks the Location.

The records in the URLs are agency A's (tests/permission_matrix/world.py): review child-q holds
both agencies' recommendations, so agency B's lead may open the review but not recommendation 1.1.
Out of scope answers 404 (so ids cannot be probed), in scope but not allowed 403, wrong method 405.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actions.models import Action, ImpactEvaluation, ListExport, ProgressUpdate
from assurance.models import (
    AssuranceJudgement,
    AssuranceRequest,
    Challenge,
    ChallengeEvent,
    Chase,
    Evidence,
    Meeting,
    MeetingPack,
    Subgroup,
)
from assurance.tests import samples
from lscb.board.tests.plan_import_support import SAMPLE_CSV
from lscb.platform.locking import latest_history_id
from reviews.models import LearningActivity, Milestone, Recommendation, Review
from tests.permission_matrix.world import World, tomorrow

PERSONAS = ("manager", "chair", "lead_a", "lead_b", "outsider", "anonymous")
PASSWORD = "correct-horse-battery"  # tests/factories.py

# URL names in the matrix that another branch wires. A name here may be missing from the URLconf
# without failing the suite; once it is wired it is tested like any other, and
# test_pending_names_are_still_missing asks for it to be taken out of this set.
# (plan-pdf was here until the dashboard branch was merged: main wires it now.)
PENDING: set[str] = set()


@dataclass(frozen=True)
class Expected:
    status: int
    writes: bool


def parse(row: str) -> dict[str, Expected]:
    codes = row.split()
    assert len(codes) == len(PERSONAS), row
    return {
        persona: Expected(int(code.rstrip("*")), code.endswith("*"))
        for persona, code in zip(PERSONAS, codes, strict=True)
    }


def _nothing(world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Case:
    name: str
    get: str
    post: str
    kwargs: Callable[[World], dict] = _nothing
    query: Callable[[World], str] = lambda world: ""
    data: Callable[[World], dict] = _nothing
    # After an allowed write: did the intended record change? (on top of "something changed")
    wrote: Callable[[World], bool] | None = None
    variant: str = ""
    comment: str = ""
    expected: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "expected", {"get": parse(self.get), "post": parse(self.post)})

    @property
    def id(self) -> str:
        return f"{self.name}{self.variant}"


def action_a(world: World) -> dict:
    return {"pk": world.action_a.pk}


def review_q(world: World) -> dict:
    return {"slug": world.review.slug}


def recommendation_a(world: World) -> dict:
    return {"slug": world.review.slug, "pk": world.recommendation_a.pk}


def evidence_a(world: World) -> dict:
    return {"pk": world.evidence_a.pk}


def request_a(world: World) -> dict:
    return {"pk": world.request.pk}


def event_a(world: World) -> dict:
    return {"pk": world.event.pk}


def review_form(world: World) -> dict:
    return {
        "kind": "cspr",
        "reference": "CSPR 2026/02",
        "slug": "child-z",
        "subject": "Child Z",
        "title": "Child Z: practice review",
        "author": "A. N. Author",
        "commissioned_on": "15/01/2026",
        "published_on": "",
        "status": "in_progress",
        "subgroup": "Case review subgroup",
        "summary": "Fictional.",
    }


def review_edit_form(world: World) -> dict:
    return {
        **review_form(world),
        "slug": world.review.slug,
        "title": "Child Q: renamed",
        "seen": latest_history_id(Review.objects.get(pk=world.review.pk)),
    }


def recommendation_form(world: World, number: str) -> dict:
    recommendation = Recommendation.objects.get(pk=world.recommendation_a.pk)
    return {
        "seen": latest_history_id(recommendation),
        "number": number,
        "agency": world.agency_a.pk,
        "text": f"Recommendation {number}, as written by the matrix.",
        "source": "overview",
        "themes": [world.theme.pk],
    }


def action_form(world: World) -> dict:
    action = world.action_a
    return {
        "description": "Revised by the matrix.",
        "agency": action.agency_id,
        "lead_officer": "Head of Quality",
        "due_date": "31/03/2027",
        "seen": latest_history_id(action),
    }


def evidence_form(world: World) -> dict:
    return {
        "title": "Matrix evidence",
        "narrative": "",
        "produced_on": timezone.localdate().isoformat(),
        "files": [samples.upload("report.pdf")],
    }


def event_form(world: World) -> dict:
    return {"title": "Autumn challenge", "held_on": timezone.localdate().isoformat(), "chair": "Priya Anand"}


def challenge_form(world: World) -> dict:
    # The marker of the challenge an edit opened at; a new challenge ignores it.
    seen = latest_history_id(world.challenge)
    return {"action": world.action_a.pk, "challenge": "What changed for children?", "outcome": "Agreed", "seen": seen}


def plan_file(world: World) -> dict:
    return {"plan_file": SimpleUploadedFile("child-a-plan.csv", SAMPLE_CSV, content_type="text/csv")}


BOARD_WIDE = [
    Case("board:root", "302 302 302 302 302 302", "302 302 302 302 302 302", comment="redirects to the dashboard"),
    Case(
        "healthz",
        "200 200 200 200 200 200",
        "405 405 405 405 405 405",
        comment="no sign-in, for load balancers; HEAD too, and plain HTTP is not redirected",
    ),
    Case(
        "user-guide",
        "200 200 200 200 200 200",
        "405 405 405 405 405 405",
        comment="the user guide (docs/user-guide.md), linked from every page's footer; no sign-in",
    ),
    Case(
        "user-guide-power-bi",
        "200 200 200 200 200 200",
        "405 405 405 405 405 405",
        comment="the guide's page on connecting Power BI (docs/power-bi.md); no sign-in",
    ),
    Case(
        "user-guide-picture",
        "200 200 200 200 200 200",
        "405 405 405 405 405 405",
        kwargs=lambda world: {"name": "chair-1-red-actions.png"},
        comment="a picture of the guide (docs/guide/img), fictional demo data; no sign-in",
    ),
    Case(
        "board:dashboard", "200 200 200 200 200 302", "405 405 405 405 405 302", comment="dashboard, scoped to the user"
    ),
    Case(
        "board:dashboard-print-css",
        "200 200 200 200 200 302",
        "405 405 405 405 405 302",
        comment="the dashboard's print stylesheet: the board's name and marking, as the dashboard shows them",
    ),
    Case(
        "login",
        "302 302 302 302 302 200",
        "302 302 302 302 302 302*",
        data=lambda world: {"username": "lead_a", "password": PASSWORD},
        comment="signed in: sent on; signed out: signs in (last_login is written)",
    ),
    Case("logout", "405 405 405 405 405 302", "302 302 302 302 302 302", comment="sign out by POST only"),
    Case(
        "sso-start",
        "404 404 404 404 404 404",
        "405 405 405 405 405 405",
        query=lambda world: "provider=council",
        comment="single sign-on: no provider is configured here (lscb/platform/tests/test_sso.py has one)",
    ),
    Case(
        "sso-callback",
        "403 403 403 403 403 403",
        "405 405 405 405 405 405",
        query=lambda world: "code=c&state=never-started",
        comment="a provider's answer to a sign-in this browser did not start is refused (and logged)",
    ),
    Case(
        "sso-signed-out",
        "302 302 302 302 302 302",
        "405 405 405 405 405 405",
        comment="without a provider's session to sign out of: to sign-in",
    ),
    Case("two-factor-verify", "302 302 302 302 302 302", "302 302 302 302 302 302", comment="no device: to set-up"),
    Case(
        "two-factor-setup",
        "200 200 200 200 200 302",
        "200 200 200 200 200 302",
        data=lambda world: {"code": "000000"},
        comment="a wrong code is refused on the page",
    ),
    Case(
        "two-factor-backup-codes",
        "200 200 200 200 200 302",
        "302 302 302 302 302 302",
        comment="new codes need a verified session",
    ),
    Case("board:security-log", "200 403 403 403 403 302", "405 403 403 403 403 302"),
    Case("board:audit", "200 200 403 403 403 302", "405 405 403 403 403 302"),
    Case("board:failed-tasks", "200 403 403 403 403 302", "405 403 403 403 403 302"),
    Case(
        "board:task-retry",
        "405 404 404 404 404 302",
        "302* 404 404 404 404 302",
        kwargs=lambda world: {"pk": world.failed_task.pk},
        wrote=lambda world: DBTaskResult.objects.get(pk=world.failed_task.pk).status == "READY",
        comment="only the business manager sees background tasks at all",
    ),
    Case("board:action-history", "200 200 200 404 404 302", "405 405 405 405 405 302", kwargs=action_a),
    Case("board:review-history", "200 200 200 200 404 302", "405 405 405 405 405 302", kwargs=review_q),
    Case("board:recommendation-history", "200 200 200 404 404 302", "405 405 405 405 405 302", kwargs=recommendation_a),
    Case(
        "board:plan-import",
        "200 403 403 403 404 302",
        "200* 403 403 403 404 302",
        kwargs=review_q,
        data=plan_file,
        comment="the upload is kept on disk for the preview; confirming it is lscb/tests/test_plan_import_page.py",
    ),
    # A lead prints only their own agency's extract. The whole plan of a review they can open is a 403
    # (an action their role may not take); a review or agency outside their scope is a 404.
    # The plan in Word (plan-docx) has the PDF's permissions exactly.
    *[
        case
        for name in ("actions:plan-pdf", "actions:plan-docx")
        for case in (
            Case(
                name,
                "200 200 403 403 404 302",
                "405 405 405 405 405 302",
                kwargs=review_q,
                variant=" whole plan",
                comment="POST: require_GET answers 405 before any scope check, for every id alike",
            ),
            Case(
                name,
                "200 200 200 404 404 302",
                "405 405 405 405 405 302",
                kwargs=review_q,
                query=lambda world: f"agency={world.agency_a.pk}",
                variant=" ?agency=A",
            ),
            Case(
                name,
                "200 200 404 200 404 302",
                "405 405 405 405 405 302",
                kwargs=review_q,
                query=lambda world: f"agency={world.agency_b.pk}",
                variant=" ?agency=B",
            ),
        )
    ],
]


def register_file(world: World) -> dict:
    content = f"Web address name,Reference\n{world.review.slug},Changed by the matrix\n".encode()
    return {"plan_file": SimpleUploadedFile("register.csv", content, content_type="text/csv")}


REVIEWS = [
    Case("board:reviews", "200 200 200 200 200 302", "405 405 405 405 405 302"),
    *[
        Case(
            "board:reviews",
            "200 200 200 200 200 302",
            "405 405 405 405 405 302",
            query=lambda world, kind=kind: f"export={kind}",
            variant=f" ?export={kind}",
            comment="exactly the reviews the register shows (lscb/board/tests/test_register.py)",
        )
        for kind in ("csv", "xlsx")
    ],
    Case("board:milestones", "200 200 200 200 200 302", "405 405 405 405 405 302"),
    Case(
        "board:milestones",
        "200 200 200 200 200 302",
        "405 405 405 405 405 302",
        query=lambda world: "export=csv",
        variant=" ?export=csv",
        comment="exactly the milestones the list shows (lscb/board/tests/test_milestone_list.py)",
    ),
    Case(
        "board:milestones",
        "200 200 200 200 200 302",
        "405 405 405 405 405 302",
        query=lambda world: f"review={world.review_a.slug}",
        variant=" ?review=child-r",
        comment="agency B's lead and the outsider are told there is no such review they can see, and shown no rows, "
        "as the action list's review filter answers (lscb/board/tests/test_milestone_list.py)",
    ),
    Case(
        "board:register-import",
        "200 403 403 403 403 302",
        "200* 403 403 403 403 302",
        data=register_file,
        comment="the board in view's manager only; the upload is kept on disk for the preview; confirming it "
        "is lscb/board/tests/test_register.py",
    ),
    Case(
        "board:reviews",
        "200 200 403 403 403 302",
        "405 405 405 405 405 302",
        query=lambda world: "export=tracker",
        variant="?export=tracker",
        comment="the NHS Case Review Tracker's fields: for those who read the whole board",
    ),
    Case(
        "reviews:create",
        "200 403 403 403 403 302",
        "302* 403 403 403 403 302",
        data=review_form,
        wrote=lambda world: Review.objects.filter(slug="child-z").exists(),
    ),
    Case("board:review", "200 200 200 200 404 302", "405 405 405 405 405 302", kwargs=review_q),
    Case(
        "reviews:edit",
        "200 403 403 403 404 302",
        "302* 403 403 403 404 302",
        kwargs=review_q,
        data=review_edit_form,
        wrote=lambda world: Review.objects.get(pk=world.review.pk).title == "Child Q: renamed",
    ),
    Case(
        "reviews:recommendation-create",
        "200 403 403 403 404 302",
        "302* 403 403 403 404 302",
        kwargs=review_q,
        data=lambda world: recommendation_form(world, "1.2"),
        wrote=lambda world: Recommendation.objects.filter(review=world.review, number="1.2").exists(),
    ),
    Case("board:calendar", "200 200 200 200 200 302", "405 405 405 405 405 302"),
    # It writes only the person's CalendarFeed, in the lscb app the snapshot leaves out (as the security log);
    # lscb/board/tests/test_calendar.py checks the new address and that the old one stops working.
    Case("board:calendar-reset", "405 405 405 405 405 302", "302 302 302 302 302 302"),
    # Reached by its secret token (the manager's here), signed in or not: calendar clients cannot sign in.
    Case(
        "board:calendar-feed",
        "200 200 200 200 200 200",
        "405 405 405 405 405 405",
        kwargs=lambda world: {"token": world.calendar_token},
    ),
    Case(
        "reviews:milestone-edit",
        "200 403 403 403 404 302",
        "302* 403 403 403 404 302",
        kwargs=lambda world: {"slug": world.review.slug, "pk": world.milestone.pk},
        data=lambda world: {
            "due_on": "30/06/2027",
            "done_on": "",
            "note": "matrix",
            "seen": latest_history_id(Milestone.objects.get(pk=world.milestone.pk)),
        },
        wrote=lambda world: Milestone.objects.get(pk=world.milestone.pk).note == "matrix",
    ),
    Case("board:recommendation", "200 200 200 404 404 302", "405 405 405 405 405 302", kwargs=recommendation_a),
    Case(
        "reviews:recommendation-edit",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=recommendation_a,
        data=lambda world: recommendation_form(world, "1.1"),
        wrote=lambda world: "matrix" in Recommendation.objects.get(pk=world.recommendation_a.pk).text,
    ),
]

ACTIONS = [
    Case("actions:list", "200 200 200 200 200 302", "405 405 405 405 405 302"),
    *[
        Case(
            "actions:list",
            "200 200 200 200 200 302",
            "405 405 405 405 405 302",
            query=lambda world, kind=kind: f"export={kind}",
            variant=f" ?export={kind}",
            comment="exactly the rows the list shows: a lead's export holds only their agency's actions",
        )
        for kind in ("csv", "xlsx")
    ],
    Case(
        "actions:list",
        "303* 303* 303* 303* 303* 302",
        "405 405 405 405 405 302",
        query=lambda world: "export=pdf",
        variant=" ?export=pdf",
        wrote=lambda world: ListExport.objects.exclude(pk=world.export.pk).exists(),
        comment="records the export for the worker to print (DESIGN.md §13) and sends the requester to its page",
    ),
    # A PDF export of the list is its requester's alone (agency A's lead's here): 404 to anyone else.
    *[
        Case(
            name,
            "404 404 200 404 404 302",
            "405 405 405 405 405 302",
            kwargs=lambda world: {"pk": world.export.pk},
        )
        for name in ("actions:export", "actions:export-download")
    ],
    Case(
        "actions:create",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=lambda world: {"recommendation_pk": world.recommendation_a.pk},
        data=action_form,
        wrote=lambda world: world.recommendation_a.actions.filter(description="Revised by the matrix.").exists(),
    ),
    Case("actions:detail", "200 200 200 404 404 302", "405 405 405 405 405 302", kwargs=action_a),
    Case(
        "actions:edit",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=action_a,
        data=action_form,
        wrote=lambda world: Action.objects.get(pk=world.action_a.pk).description == "Revised by the matrix.",
    ),
    Case(
        "actions:status",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=action_a,
        data=lambda world: {
            "status": "completed",
            "status_reason": "",
            "note": "",
            "seen": latest_history_id(world.action_a),
        },
        wrote=lambda world: Action.objects.get(pk=world.action_a.pk).status == "completed",
    ),
    Case(
        "actions:progress",
        "200 403 200 404 404 302",
        "302* 403 302* 404 404 302",
        kwargs=action_a,
        data=lambda world: {"written_on": timezone.localdate().strftime("%d/%m/%Y"), "text": "Matrix progress."},
        wrote=lambda world: ProgressUpdate.objects.filter(action=world.action_a, text="Matrix progress.").exists(),
    ),
    Case(
        "actions:evaluation-create",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=lambda world: {"recommendation_pk": world.recommendation_a.pk},
        data=lambda world: {
            "evaluated_on": timezone.localdate().strftime("%d/%m/%Y"),
            "judgement": "partly",
            "findings": "Matrix evaluation.",
        },
        wrote=lambda world: ImpactEvaluation.objects.filter(findings="Matrix evaluation.").exists(),
    ),
]

EVIDENCE = [
    Case(
        "assurance:evidence-create",
        "200 403 200 404 404 302",
        "302* 403 302* 404 404 302",
        kwargs=action_a,
        data=evidence_form,
        wrote=lambda world: Evidence.objects.filter(action=world.action_a, title="Matrix evidence").exists(),
    ),
    Case("assurance:evidence-detail", "200 200 200 404 404 302", "405 405 405 404 404 302", kwargs=evidence_a),
    Case(
        "assurance:evidence-download",
        "200* 200* 200* 404 404 302",
        "405 405 405 404 404 302",
        kwargs=lambda world: {"pk": world.file_a.pk},
        comment="each download is logged (EvidenceDownload), so an allowed GET writes",
    ),
    Case(
        "assurance:evidence-review",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=evidence_a,
        data=lambda world: {"decision": "accepted", "note": "", "seen": latest_history_id(world.evidence_a)},
        wrote=lambda world: Evidence.objects.get(pk=world.evidence_a.pk).review_state == "accepted",
    ),
    Case(
        "assurance:evidence-withdraw",
        "200 403 200 404 404 302",
        "302* 403 302* 404 404 302",
        kwargs=evidence_a,
        comment="the manager, or the lead who uploaded it (lead_a)",
        wrote=lambda world: Evidence.objects.get(pk=world.evidence_a.pk).withdrawn,
    ),
    Case(
        "assurance:judgement-create",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=action_a,
        data=lambda world: {
            "level": "assured",
            "statement": "Assured by the matrix.",
            "judged_on": timezone.localdate().isoformat(),
        },
        wrote=lambda world: AssuranceJudgement.objects.filter(statement="Assured by the matrix.").exists(),
    ),
    Case("assurance:lead-home", "403 403 200 200 403 302", "403 403 405 405 403 302"),
]

REQUESTS = [
    Case("assurance:requests", "200 200 200 200 403 302", "405 405 405 405 403 302"),
    Case(
        "assurance:request-create",
        "200 403 403 403 403 302",
        "302* 403 403 403 403 302",
        query=lambda world: f"agency={world.agency_a.pk}",
        data=lambda world: {
            "subject": "Matrix request",
            "message": "",
            "due_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "actions": [world.action_a.pk],
        },
        wrote=lambda world: AssuranceRequest.objects.filter(subject="Matrix request").exists(),
    ),
    Case("assurance:request-detail", "200 200 200 404 404 302", "405 405 405 404 404 302", kwargs=request_a),
    Case(
        "assurance:request-chase",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=request_a,
        data=lambda world: {
            "chased_on": timezone.localdate().isoformat(),
            "method": "Telephone",
            "note": "Rang the lead.",
        },
        wrote=lambda world: Chase.objects.filter(request=world.request, note="Rang the lead.").exists(),
    ),
    Case(
        "assurance:request-reply",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=request_a,
        data=lambda world: {
            "response_received_on": timezone.localdate().isoformat(),
            "response_note": "Replied by email.",
            "seen": latest_history_id(world.request),
        },
        wrote=lambda world: AssuranceRequest.objects.filter(
            pk=world.request.pk, response_note="Replied by email."
        ).exists(),
    ),
    Case(
        "assurance:request-no-response",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=request_a,
        wrote=lambda world: Action.objects.get(pk=world.action_a.pk).assurance_level == "no_response",
    ),
]

CHALLENGES = [
    Case("assurance:challenges", "200 200 200 200 403 302", "405 405 405 405 403 302"),
    Case(
        "assurance:challenge-create",
        "200 403 403 403 403 302",
        "302* 403 403 403 403 302",
        data=event_form,
        wrote=lambda world: ChallengeEvent.objects.filter(title="Autumn challenge").exists(),
    ),
    Case("assurance:challenge-detail", "200 200 200 404 404 302", "405 405 405 404 404 302", kwargs=event_a),
    Case(
        "assurance:challenge-edit",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=event_a,
        data=lambda world: {
            **event_form(world),
            "agencies_invited": [world.agency_a.pk],
            "seen": latest_history_id(world.event),
        },
        wrote=lambda world: ChallengeEvent.objects.get(pk=world.event.pk).title == "Autumn challenge",
    ),
    Case(
        "assurance:challenge-raise",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=event_a,
        data=challenge_form,
        wrote=lambda world: Challenge.objects.filter(challenge="What changed for children?").exists(),
    ),
    Case(
        "assurance:challenge-update",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=lambda world: {"pk": world.event.pk, "cpk": world.challenge.pk},
        data=challenge_form,
        wrote=lambda world: Challenge.objects.get(pk=world.challenge.pk).outcome == "Agreed",
    ),
]


def learning_form(world: World) -> dict:
    return {"kind": "event", "held_on": "01/03/2026", "title": "Matrix learning event", "reviews": [world.review.pk]}


def briefing(world: World) -> dict:
    return {"pk": world.briefing.pk}


LEARNING = [
    Case("reviews:learning-list", "200 200 200 200 200 302", "405 405 405 405 405 302"),
    Case(
        "reviews:learning-create",
        "200 403 403 403 403 302",
        "302* 403 403 403 403 302",
        data=learning_form,
        wrote=lambda world: LearningActivity.objects.filter(title="Matrix learning event").exists(),
    ),
    Case("reviews:learning", "200 200 200 404 404 302", "405 405 405 405 405 302", kwargs=briefing),
    Case("board:learning-history", "200 200 200 404 404 302", "405 405 405 405 405 302", kwargs=briefing),
    Case(
        "reviews:learning-edit",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=briefing,
        data=learning_form,
        wrote=lambda world: LearningActivity.objects.filter(title="Matrix learning event").exists(),
    ),
    Case(
        "reviews:learning-attendance",
        "200 403 403 404 404 302",
        "302* 403 403 404 404 302",
        kwargs=briefing,
        data=lambda world: {"agency": world.agency_a.pk, "attendees": "33"},
        wrote=lambda world: world.briefing.attendances.filter(attendees=33).exists(),
    ),
    Case(
        "reviews:learning-cascade",
        "405 405 405 405 405 302",
        "302* 403 302* 404 404 302",
        kwargs=lambda world: {"pk": world.briefing.pk, "agency_pk": world.agency_a.pk},
        wrote=lambda world: world.briefing.cascades.filter(agency=world.agency_a).exists(),
    ),
]


def annual_report(world: World) -> dict:
    return {"pk": world.annual_report.pk}


ANNUAL_REPORT = [
    Case("assurance:annual-report", "200 200 403 403 403 302", "405 405 405 405 405 302"),
    # Only the manager asked for this pack: everyone else, the chair too, is told it does not exist.
    Case(
        "assurance:annual-report-progress", "200 404 404 404 404 302", "405 405 405 405 405 302", kwargs=annual_report
    ),
    Case(
        "assurance:annual-report-download", "200 404 404 404 404 302", "405 405 405 405 405 302", kwargs=annual_report
    ),
]

# The reporting API (lscb/board/api): read-only, signed in by a token or the session, so signed out is 401
# (not a redirect to the sign-in page). Lists are scoped (an outsider's are empty); one record out of
# scope is 404. Every other method is 405, before any record is looked up. Tokens are the person's own:
# making or revoking one changes no record of the board (the security log has it).
API_LIST = ("200 200 200 200 200 401", "405 405 405 405 405 401")
API_RECORD_OF_A = ("200 200 200 404 404 401", "405 405 405 405 405 401")
API = [
    Case("api:api-root", *API_LIST),
    Case("api:review-list", *API_LIST),
    Case("api:recommendation-list", *API_LIST),
    Case("api:action-list", *API_LIST),
    Case("api:assurance-judgement-list", *API_LIST),
    Case("api:agency-list", *API_LIST),
    Case("api:schema", *API_LIST),
    Case("api:schema-docs", *API_LIST),
    Case("api:review-detail", "200 200 200 200 404 401", API_LIST[1], kwargs=review_q),
    Case("api:recommendation-detail", *API_RECORD_OF_A, kwargs=lambda world: {"pk": world.recommendation_a.pk}),
    Case("api:action-detail", *API_RECORD_OF_A, kwargs=action_a),
    Case("api:assurance-judgement-detail", *API_RECORD_OF_A, kwargs=lambda world: {"pk": world.judgement.pk}),
    Case("api:agency-detail", *API_RECORD_OF_A, kwargs=lambda world: {"pk": world.agency_a.pk}),
    Case("api:milestone-list", *API_LIST),
    Case(
        "api:milestone-detail", "200 200 200 200 404 401", API_LIST[1], kwargs=lambda world: {"pk": world.milestone.pk}
    ),
    Case(
        "api:milestone-detail", *API_RECORD_OF_A, kwargs=lambda world: {"pk": world.milestone_r.pk}, variant="-child-r"
    ),
    Case("api:learning-activity-list", *API_LIST),
    Case("api:learning-activity-detail", *API_RECORD_OF_A, kwargs=briefing),
    Case(
        "api-tokens",
        "200 200 200 200 200 302",
        "302 302 302 302 302 302",
        data=lambda world: {"name": "Power BI", "expires_on": tomorrow().isoformat()},
        comment="anyone signed in makes their own tokens",
    ),
    Case(
        "api-token-revoke",
        "404 404 405 404 404 302",
        "404 404 302 404 404 302",
        kwargs=lambda world: {"pk": world.api_token.pk},
        comment="agency A's lead's token: only its owner may revoke it; POST only",
    ),
]


def subgroup(world: World) -> dict:
    return {"pk": world.subgroup.pk}


def meeting(world: World) -> dict:
    return {"pk": world.meeting.pk}


def meeting_pack(world: World) -> dict:
    return {"pk": world.meeting_pack.pk}


def meeting_form(world: World) -> dict:
    return {"held_on": "14/01/2027", "note": "Matrix meeting", "seen": latest_history_id(world.meeting)}


# Subgroups and their meetings (issue 16): the manager keeps them, the board reads them, a lead sees none.
# A meeting's pack: whoever prints the board's plan whole (manager, chair, scrutineer).
MEETINGS = [
    Case("assurance:subgroups", "200 200 403 403 403 302", "405 405 403 403 403 302"),
    Case(
        "assurance:subgroup-create",
        "200 403 403 403 403 302",
        "302* 403 403 403 403 302",
        data=lambda world: {"name": "Quality assurance subgroup"},
        wrote=lambda world: Subgroup.objects.filter(name="Quality assurance subgroup").exists(),
    ),
    Case("assurance:subgroup", "200 200 404 404 404 302", "405 405 404 404 404 302", kwargs=subgroup),
    Case(
        "assurance:subgroup-edit",
        "200 403 404 404 404 302",
        "302* 403 404 404 404 302",
        kwargs=subgroup,
        data=lambda world: {"name": "Case review group", "seen": latest_history_id(world.subgroup)},
        wrote=lambda world: Subgroup.objects.get(pk=world.subgroup.pk).name == "Case review group",
    ),
    Case(
        "assurance:meeting-create",
        "200 403 404 404 404 302",
        "302* 403 404 404 404 302",
        kwargs=subgroup,
        data=meeting_form,
        wrote=lambda world: Meeting.objects.filter(note="Matrix meeting").exists(),
    ),
    Case(
        "assurance:meeting-edit",
        "200 403 404 404 404 302",
        "302* 403 404 404 404 302",
        kwargs=meeting,
        data=meeting_form,
        wrote=lambda world: Meeting.objects.get(pk=world.meeting.pk).note == "Matrix meeting",
    ),
    Case(
        "board:meeting-pack",
        "200 200 404 404 404 302",
        "303* 303* 404 404 404 302",
        kwargs=meeting,
        data=lambda world: {"reviews": [world.review.pk], "since": "01/01/2026"},
        wrote=lambda world: MeetingPack.objects.filter(since=datetime.date(2026, 1, 1)).exists(),
    ),
    Case("board:meeting-pack-progress", "200 200 404 404 404 302", "405 405 404 404 404 302", kwargs=meeting_pack),
    Case("board:meeting-pack-pdf", "200 200 404 404 404 302", "405 405 405 405 405 302", kwargs=meeting_pack),
    Case("board:meeting-pack-docx", "200 200 404 404 404 302", "405 405 405 405 405 302", kwargs=meeting_pack),
]


CASES: list[Case] = (
    BOARD_WIDE + REVIEWS + ACTIONS + EVIDENCE + REQUESTS + CHALLENGES + LEARNING + ANNUAL_REPORT + MEETINGS + API
)
MATRIX_NAMES = {case.name for case in CASES}
