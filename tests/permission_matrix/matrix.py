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

from actions.models import Action, ListExport, ProgressUpdate
from assurance.models import AssuranceJudgement, AssuranceRequest, Challenge, ChallengeEvent, Chase, Evidence
from assurance.tests import samples
from lscb.board.tests.plan_import_support import SAMPLE_CSV
from lscb.platform.locking import latest_history_id
from reviews.models import Recommendation, Review
from tests.permission_matrix.world import World

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
        "board:dashboard", "200 200 200 200 200 302", "405 405 405 405 405 302", comment="dashboard, scoped to the user"
    ),
    Case(
        "login",
        "302 302 302 302 302 200",
        "302 302 302 302 302 302*",
        data=lambda world: {"username": "lead_a", "password": PASSWORD},
        comment="signed in: sent on; signed out: signs in (last_login is written)",
    ),
    Case("logout", "405 405 405 405 405 302", "302 302 302 302 302 302", comment="sign out by POST only"),
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
    Case(
        "actions:plan-pdf",
        "200 200 403 403 404 302",
        "405 405 405 405 405 302",
        kwargs=review_q,
        variant=" whole plan",
        comment="POST: require_GET answers 405 before any scope check, for every id alike",
    ),
    Case(
        "actions:plan-pdf",
        "200 200 200 404 404 302",
        "405 405 405 405 405 302",
        kwargs=review_q,
        query=lambda world: f"agency={world.agency_a.pk}",
        variant=" ?agency=A",
    ),
    Case(
        "actions:plan-pdf",
        "200 200 404 200 404 302",
        "405 405 405 405 405 302",
        kwargs=review_q,
        query=lambda world: f"agency={world.agency_b.pk}",
        variant=" ?agency=B",
    ),
]

REVIEWS = [
    Case("board:reviews", "200 200 200 200 200 302", "405 405 405 405 405 302"),
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

CASES: list[Case] = BOARD_WIDE + REVIEWS + ACTIONS + EVIDENCE + REQUESTS + CHALLENGES
MATRIX_NAMES = {case.name for case in CASES}
