"""Which generations a tracked change bumps (lscb.platform.generations): the board's map of its data.

Every history row (a save, a delete, a many-to-many change, a bulk write: see
lscb.platform.history_records) bumps the generation of what the cached pages
print from it:

- "review:<id>" and "review:<id>:actions": the review's printed plan and its
  share of the dashboard. The first is bumped by the review and its
  recommendations (their themes included), the second by its actions and
  their assurance judgements, and by a recommendation too (its actions move
  with it). A record that moves (a recommendation to another review, an
  action to another recommendation) bumps every review it has ever belonged
  to, so the review it left is told too.
- "agencies" and "themes": names printed on every plan or heat map, and who
  leads which agency.

Other records (evidence, progress updates, requests) feed no cached page.
"""

from django.db.models import Model

from actions.models import Action
from actions.plan import ready
from assurance.models import AssuranceJudgement
from lscb.platform import generations
from lscb.platform.history_records import history_rows_created
from reviews import generations as names_of
from reviews.models import Agency, LearningActivity, Milestone, Recommendation, Review, Theme

BOARD_WIDE = {Agency: names_of.AGENCIES, Theme: names_of.THEMES, LearningActivity: names_of.LEARNING}
# What a change to a record bumps in each review it touches.
PER_REVIEW = {
    Review: lambda pk: [names_of.of_review(pk)],
    Milestone: lambda pk: [names_of.of_review(pk)],  # the printed plan's first page shows them
    Recommendation: names_of.of_whole_review,  # its actions move with it
    Action: lambda pk: [names_of.of_review_actions(pk)],
    AssuranceJudgement: lambda pk: [names_of.of_review_actions(pk)],
}
# For a record that can move: the path from its history row to the review it belonged to then.
PAST_REVIEW = {
    Recommendation: "review_id",
    Action: "recommendation__review_id",
    AssuranceJudgement: "action__review_id",
}


def names_for(model: type[Model], rows: list, instances: list) -> set[str]:
    """The generations that these history rows (of one model) bump. At most one query, for updates only."""
    if model in BOARD_WIDE:
        return {BOARD_WIDE[model]}
    if model not in PER_REVIEW:
        return set()
    review_ids = set(current_reviews(model, instances))
    updated = [row.id for row in rows if row.history_type == "~"]
    if updated and model in PAST_REVIEW:
        past = model.history.model.objects.filter(id__in=updated).order_by()
        review_ids.update(past.values_list(PAST_REVIEW[model], flat=True).distinct())
    return {name for pk in review_ids if pk is not None for name in PER_REVIEW[model](pk)}


def current_reviews(model: type[Model], instances: list) -> list[int]:
    if model is Review:
        return [review.pk for review in instances]
    if (
        model is Recommendation or model is Action or model is Milestone
    ):  # an action keeps its recommendation's review (Action.review)
        return [instance.review_id for instance in instances]
    field = AssuranceJudgement.action.field
    cached = [judgement.action.review_id for judgement in instances if field.is_cached(judgement)]
    missing = [judgement.action_id for judgement in instances if not field.is_cached(judgement)]
    if missing:
        cached += Action.objects.filter(pk__in=missing).values_list("review_id", flat=True)
    return cached


def bump_for_history(sender, rows, instances, **kwargs) -> None:
    model = sender.instance_type if hasattr(sender, "instance_type") else None
    if model is not None:
        names = names_for(model, rows, instances)
        generations.bump(names)
        ready.queue_for_generations(names)


def connect() -> None:
    """Called from the board's AppConfig.ready()."""
    history_rows_created.connect(bump_for_history, dispatch_uid="lscb.board.generations")
