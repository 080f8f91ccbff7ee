"""A small fictional board in which every URL parameter can be filled with a real record of agency A.

Review "child-q" holds recommendation 1.1 (agency A) and 2.1 (agency B), one
action each; review "child-r" concerns agency A alone, so that agency B's lead
cannot see it at all. Each agency has evidence with a file on disk (in the
test's own MEDIA_ROOT), agency A's action has a judgement, a progress update,
an overdue unanswered assurance request and a challenge at a challenge event,
and child-q has a plan import on record. All names are fictional.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actions import services as action_services
from actions.models import Action, ListExport, ProgressUpdate
from assurance import services as assurance_services
from assurance import uploads
from assurance.models import (
    AnnualReport,
    AssuranceJudgement,
    AssuranceRequest,
    Challenge,
    ChallengeEvent,
    Evidence,
    EvidenceFile,
    Meeting,
    MeetingPack,
    Subgroup,
)
from assurance.tests import samples
from lscb.platform.models import ApiToken, CalendarFeed
from reviews.models import (
    Agency,
    LearningActivity,
    LearningAttendance,
    Milestone,
    PlanImport,
    Recommendation,
    Review,
    Theme,
    refresh_milestones,
)
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory, ThemeFactory, first_board


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def yesterday() -> datetime.date:
    """Evaluated when the world is built, not when this module is imported: a run may cross midnight."""
    return timezone.localdate() - datetime.timedelta(days=1)


@dataclass(repr=False)
class World:
    personas: dict
    agency_a: Agency
    agency_b: Agency
    review: Review  # child-q: both agencies
    review_a: Review  # child-r: agency A only
    action_a: Action
    action_b: Action
    action_r: Action
    theme: Theme
    progress: ProgressUpdate
    evidence_a: Evidence
    evidence_b: Evidence
    file_a: EvidenceFile
    file_b: EvidenceFile
    judgement: AssuranceJudgement
    request: AssuranceRequest
    event: ChallengeEvent
    challenge: Challenge
    plan_import: PlanImport
    failed_task: DBTaskResult
    export: ListExport  # agency A's lead's PDF of the action list, ready
    briefing: LearningActivity  # a seven-minute briefing on child-r, attended by agency A only
    annual_report: AnnualReport  # the manager's annual report pack, ready
    milestone: Milestone  # child-q's first milestone (a local target, so its due date is typed)
    calendar_token: str  # the manager's calendar feed
    milestone_r: Milestone  # child-r's first milestone (agency A's review)
    api_token: ApiToken  # agency A's lead's personal API token
    subgroup: Subgroup  # board A's case review subgroup
    meeting: Meeting  # its meeting a week ago
    meeting_pack: MeetingPack  # the chair's pack for that meeting, ready

    def __repr__(self) -> str:  # hypothesis prints its examples: keep the world out of them
        return "<the matrix's world>"

    @property
    def recommendation_a(self) -> Recommendation:
        return self.action_a.recommendation

    @property
    def recommendation_r(self) -> Recommendation:
        return self.action_r.recommendation


def _evidence(action: Action, user, title: str, file_name: str) -> Evidence:
    return assurance_services.submit_evidence(
        action,
        user,
        title=title,
        narrative="Fictional evidence for the permission matrix.",
        produced_on=yesterday(),
        files=[uploads.inspect_upload(samples.upload(file_name))],
    )


def _assurance_records(world: dict) -> dict:
    manager, agency_a, action_a = world["personas"]["manager"], world["agency_a"], world["action_a"]
    judgement = assurance_services.record_judgement(
        action_a, manager, level="partial", statement="The board has been partly assured.", judged_on=yesterday()
    )
    # Sent a month ago, due yesterday, no reply: "no response", so it can be chased and closed.
    request = AssuranceRequest.objects.create(
        board=first_board(),
        agency=agency_a,
        subject="Assurance on 1.1",
        sent_on=yesterday() - datetime.timedelta(days=30),
        due_on=yesterday(),
        sent_by=manager,
    )
    request.actions.set([action_a])
    event = ChallengeEvent.objects.create(
        board=first_board(), title="Spring challenge", held_on=yesterday(), chair="Priya Anand"
    )
    event.agencies_invited.set([agency_a])
    challenge = Challenge.objects.create(event=event, action=action_a, challenge="How do you know it works?")
    return {"judgement": judgement, "request": request, "event": event, "challenge": challenge}


def _failed_task(request: AssuranceRequest) -> DBTaskResult:
    """A request's email the worker gave up on (the mail server refused every attempt)."""
    return DBTaskResult.objects.create(
        task_path="assurance.tasks.send_request_email",
        args_kwargs={"args": [request.pk], "kwargs": {}},
        backend_name="default",
        status="FAILED",
        worker_ids=["worker"] * 5,
        finished_at=timezone.now(),
        exception_class_path="builtins.ConnectionRefusedError",
        traceback="Traceback (most recent call last):\nConnectionRefusedError: [Errno 111] Connection refused\n",
    )


def _meeting_records(personas: dict, review: Review) -> dict:
    subgroup = Subgroup.objects.create(board=first_board(), name="Case review subgroup")
    meeting = Meeting.objects.create(subgroup=subgroup, held_on=yesterday() - datetime.timedelta(days=6))
    pack = MeetingPack.objects.create(
        meeting=meeting,
        requester=personas["chair"],
        since=meeting.held_on - datetime.timedelta(weeks=6),
        until=meeting.held_on + datetime.timedelta(weeks=6),
        status=MeetingPack.Status.READY,
        pdf=b"%PDF-1.7 fictional pack",
        docx=b"PK fictional pack",
    )
    pack.reviews.set([review])
    return {"subgroup": subgroup, "meeting": meeting, "meeting_pack": pack}


def build_world(personas: dict, agency_a: Agency, agency_b: Agency, review: Review, action_a, action_b) -> World:
    theme = ThemeFactory(name="Information sharing")
    action_a.recommendation.themes.add(theme)
    review_a = ReviewFactory(slug="child-r", subject="Child R", title="Child R: rapid review")
    rec_r = RecommendationFactory(review=review_a, agency=agency_a, number="1.1", text="Agency A should audit.")
    action_r = ActionFactory(recommendation=rec_r, description="Audit supervision records.")
    progress = action_services.add_progress(
        action_a.pk, user=personas["lead_a"], text="Template drafted.", written_on=yesterday()
    )
    # Evidence first: submitting evidence marks the action's open requests answered.
    evidence_a = _evidence(action_a, personas["lead_a"], "Visit template v2", "report.pdf")
    evidence_b = _evidence(action_b, personas["lead_b"], "Triage checklist", "notes.txt")
    plan_import = PlanImport.objects.create(
        review=review, imported_by=personas["manager"], file_name="child-q-plan.csv", sha256="0" * 64, row_count=2
    )
    records = _assurance_records({"personas": personas, "agency_a": agency_a, "action_a": action_a})
    records["failed_task"] = _failed_task(records["request"])
    records["briefing"] = LearningActivity.objects.create(
        board=first_board(), kind="briefing", held_on=yesterday(), title="Child R briefing"
    )
    records["briefing"].reviews.add(review_a)
    LearningAttendance.objects.create(activity=records["briefing"], agency=agency_a, attendees=20)
    records.update(_meeting_records(personas, review))
    records["annual_report"] = AnnualReport.objects.create(
        requester=personas["manager"],
        board=first_board(),
        year=2025,
        status=AnnualReport.Status.READY,
        content=b"PK fictional pack",
    )
    return World(
        personas=personas,
        agency_a=agency_a,
        agency_b=agency_b,
        review=review,
        review_a=review_a,
        action_a=Action.objects.get(pk=action_a.pk),
        action_b=Action.objects.get(pk=action_b.pk),
        action_r=action_r,
        theme=theme,
        progress=progress,
        evidence_a=evidence_a,
        evidence_b=evidence_b,
        file_a=evidence_a.files.get(),
        file_b=evidence_b.files.get(),
        plan_import=plan_import,
        api_token=ApiToken.objects.create(
            user=personas["lead_a"], name="Power BI", prefix="lscb_matrix", digest="0" * 64, expires_on=tomorrow()
        ),
        export=ListExport.objects.create(
            requester=personas["lead_a"], status=ListExport.Status.READY, rows=1, pdf=b"%PDF-1.7 lead A's list"
        ),
        milestone=refresh_milestones(review)[0],
        milestone_r=refresh_milestones(review_a)[0],
        calendar_token=CalendarFeed.objects.create(user=personas["manager"], token="matrix-calendar-token").token,
        **records,
    )
