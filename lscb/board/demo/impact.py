"""The demo's decisions, impact evaluations and learning (DESIGN.md §11), added to Child A's imported plan, and
the statutory clocks of every demo review (DESIGN.md §10), so that the annual report pack of the last complete
financial year (the form's default) has something in each section.

Fictional throughout. Idempotent: Child A is given these once, when none of its recommendations has a decision; a
review's dates and milestones once, when it has no milestone.
"""

import datetime

from django.utils import timezone

from actions import services
from actions.choices import ActionStatus
from actions.models import Action, ImpactEvaluation
from lscb.platform.locking import latest_history_id
from reviews.models import (
    Agency,
    CascadeConfirmation,
    LearningActivity,
    LearningAttendance,
    Recommendation,
    Review,
    Theme,
)

DECISIONS = {
    "6.1": (
        Recommendation.Decision.NOT_ACCEPTED,
        "The service uses the partnership-wide information-sharing form, which already asks about children in "
        "the household and safeguarding history; a second form would duplicate it.",
    ),
    "3.1": (
        Recommendation.Decision.ACCEPTED_IN_PART,
        "Accepted for new partners; checks on every adult await the force-wide triage system.",
    ),
}
# (recommendation number, judgement, what was found, evidence); the first makes 2.1 "Embedded".
EVALUATIONS = [
    ("2.1", ImpactEvaluation.Judgement.EVIDENCED, "Repeat audit: routine enquiry recorded in 87% of eligible "
     "attendances, up from 31%.", "https://example.org/demo/ed-re-audit\nQA subgroup minutes, March"),
    ("1.2", ImpactEvaluation.Judgement.PARTLY, "Practitioner survey: 62% of social workers describe reflective "
     "supervision; case files show family history discussed in half.", "Practitioner survey summary"),
    ("3.2", ImpactEvaluation.Judgement.NOT_YET, "Too early: the form changed three months ago; dip sample "
     "booked.", ""),
    ("5.1", ImpactEvaluation.Judgement.NOT_EVIDENCED, "Training figures are high but a case audit found no "
     "change in how GPs record concerns.", "Multi-agency audit report"),
]  # fmt: skip


def ensure_impact(review: Review, admin) -> None:
    if review.recommendations.exclude(decision="").exists():
        return
    today = timezone.localdate()
    recommendations = {rec.number: rec for rec in review.recommendations.all()}
    for number, rec in recommendations.items():
        decision, reason = DECISIONS.get(number, (Recommendation.Decision.ACCEPTED, ""))
        rec.decision, rec.decision_reason = decision, reason
        rec.decided_by, rec.decided_on = "Case Review Subgroup", today - datetime.timedelta(days=280)
        rec.intended_outcome = "Practitioners act on this learning in everyday practice."
        rec.impact_measure = "Re-audit of a sample of cases, and a practitioner survey."
        rec.evaluate_by = today + datetime.timedelta(days=90 if number < "5" else -30)
        if number == "8.1":
            rec.sent_to, rec.sent_on = (
                "National Child Safeguarding Practice Review Panel",
                today - datetime.timedelta(50),
            )
        rec._history_user = admin
        rec.save()
    for number, judgement, findings, links in EVALUATIONS:
        action = Action.objects.filter(recommendation=recommendations[number]).order_by("pk").first()
        evaluation = ImpactEvaluation(
            recommendation=recommendations[number],
            action=action,
            evaluated_on=today - datetime.timedelta(days=20),
            judgement=judgement,
            findings=findings,
            evidence_links=links,
        )
        services.record_evaluation(evaluation, user=admin)
        if judgement == ImpactEvaluation.Judgement.EVIDENCED:
            seen = latest_history_id(action)
            services.change_status(action.pk, user=admin, seen=seen, status=ActionStatus.EMBEDDED)


LEARNING = [
    # (kind, days ago, title, theme names, attendance by agency short name, agencies confirming the cascade)
    ("briefing", 200, "Seven-minute briefing: Child A", ["Voice of the child", "Information sharing"],
     {"CSC": 64, "NHT": 41, "Police": 22, "Education": 18}, ["CSC", "NHT"]),
    ("event", 150, "Learning event: seeing the child alone", ["Voice of the child", "Record keeping"],
     {"CSC": 48, "NHT": 30, "Police": 12, "GPs": 9, "Education": 20}, []),
    ("training", 90, "Core training, rewritten around the heat map", ["Supervision", "Information sharing"],
     {"CSC": 35, "Education": 25, "GPs": 14}, []),
]  # fmt: skip


def last_financial_year_start(today: datetime.date) -> datetime.date:
    """1 April of the last complete financial year (the annual report form's default year)."""
    return datetime.date(today.year - (1 if today.month >= 4 else 2), 4, 1)


def ensure_learning(review: Review, admin) -> None:
    if LearningActivity.objects.filter(reviews=review).exists():
        return
    # Held in the last complete financial year, so its annual report pack shows them: `days_ago` from its end.
    today = last_financial_year_start(timezone.localdate()) + datetime.timedelta(days=364)
    themes = {theme.name: theme for theme in Theme.objects.all()}
    agencies = {agency.short_name: agency for agency in Agency.objects.all()}
    for kind, days_ago, title, theme_names, attendance, cascaded in LEARNING:
        activity = LearningActivity(
            board=review.board, kind=kind, held_on=today - datetime.timedelta(days=days_ago), title=title
        )
        activity._history_user = admin
        activity.save()
        activity.reviews.add(review)
        activity.themes.add(*[themes[name] for name in theme_names if name in themes])
        records = [
            LearningAttendance(activity=activity, agency=agencies[short_name], attendees=attendees)
            for short_name, attendees in attendance.items()
        ] + [
            CascadeConfirmation(
                activity=activity, agency=agencies[short_name], confirmed_on=activity.held_on + datetime.timedelta(14)
            )
            for short_name in cascaded
        ]
        for record in records:  # recorded by the demo's administrator, as its history says
            record._history_user = admin
            record.save()


def evaluate_embedded(action: Action, admin) -> None:
    """A generated demo action made "Embedded" carries the evaluation the rule asks for."""
    evaluation = ImpactEvaluation(
        recommendation_id=action.recommendation_id,
        action=action,
        evaluated_on=timezone.localdate() - datetime.timedelta(days=30),
        judgement=ImpactEvaluation.Judgement.EVIDENCED,
        findings="Re-audit showed the change in practice held.",
    )
    services.record_evaluation(evaluation, user=admin)
