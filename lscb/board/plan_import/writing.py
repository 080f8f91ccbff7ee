"""Write a compared plan: bulk inserts and updates, each with its history rows.

Called inside the import's transaction (service.import_plan). Only objects
that change are written, so an unchanged file writes nothing and no history.
Every history row carries the importing user and the reason "imported from
<file name>". The number of queries does not grow with the number of rows.
"""

import datetime

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.models import Action
from assurance.models import AssuranceJudgement
from lscb.board.plan_import.changes import CREATE, UPDATE, PlanChanges, name_key
from lscb.board.plan_import.validation import DECISION_COLUMNS
from lscb.platform import generations
from reviews.models import Agency, PlanImport, Recommendation, Theme, natural_sort_key


class _Writer:
    def __init__(self, changes: PlanChanges, user, file_name: str):
        self.changes = changes
        self.user = user
        self.reason = f"imported from {file_name}"[:100]
        self.file_name = file_name[:255]
        self.history = {"default_user": user, "default_change_reason": self.reason}

    def _tracked(self, instance):
        instance._history_user = self.user
        instance._change_reason = self.reason
        return instance

    def write(self) -> dict[str, Recommendation]:
        review = self.changes.review
        if review.pk is None:
            self._tracked(review).save()
        self.agencies = self._create_named(Agency, self.changes.new_agencies, self.changes.agencies)
        self.themes = self._create_named(Theme, self.changes.new_themes, self.changes.themes)
        recommendations = self._write_recommendations()
        actions = self._write_actions(recommendations)
        self._record_judgements(actions)
        return recommendations

    def _create_named(self, model, names: list[str], known: dict) -> dict:
        created = bulk_create_with_history([model(name=name) for name in names], model, **self.history)
        return {**known, **{name_key(instance.name): instance for instance in created}}

    def _write_recommendations(self) -> dict[str, Recommendation]:
        """Every recommendation in the file by number; new and changed ones written with history."""
        by_number, created, updated, retheme = {}, [], [], {}
        for change in self.changes.recommendations:
            plan = change.plan
            recommendation = change.recommendation or Recommendation(
                review=self.changes.review, number=plan.number, sort_key=natural_sort_key(plan.number)
            )
            by_number[plan.number] = recommendation
            if change.kind not in (CREATE, UPDATE):
                continue
            recommendation.agency = self.agencies[name_key(plan.agency)]
            recommendation.text = plan.text
            for name, value in plan.values.items():
                setattr(recommendation, name, value)
            (created if change.kind == CREATE else updated).append(recommendation)
            if any(c.field == "themes" for c in change.writes):
                retheme[plan.number] = {self.themes[name_key(name)].pk for name in plan.themes}
        Recommendation.objects.bulk_create(created)
        Recommendation.objects.bulk_update(updated, ["agency", "text", *DECISION_COLUMNS])
        self._set_themes(by_number, retheme)
        self._recommendation_history(created, updated)
        return by_number

    def _set_themes(self, by_number: dict[str, Recommendation], retheme: dict[str, set[int]]) -> None:
        """Theme links written straight to the link table: the history rows below record them."""
        if not retheme:
            return
        link = Recommendation.themes.through
        ids = [by_number[number].pk for number in retheme]
        current = {(row.recommendation_id, row.theme_id) for row in link.objects.filter(recommendation__in=ids)}
        wanted = {(by_number[number].pk, theme) for number, themes in retheme.items() for theme in themes}
        stale = current - wanted
        if stale:
            link.objects.filter(
                Q.create([Q(recommendation_id=r, theme_id=t) for r, t in stale], connector=Q.OR)
            ).delete()
        link.objects.bulk_create([link(recommendation_id=r, theme_id=t) for r, t in wanted - current])

    def _recommendation_history(self, created: list, updated: list) -> None:
        """History rows for recommendations, with the snapshot of their themes that simple-history keeps.

        bulk_create_with_history writes no many-to-many snapshot, and themes.set() would write one
        history row per add and per remove; this writes exactly one row per changed recommendation.
        """
        manager = Recommendation.history
        rows = manager.bulk_history_create(created, **self.history)
        rows += manager.bulk_history_create(updated, update=True, **self.history)
        if not rows:
            return
        themes_history = apps.get_model("reviews", "HistoricalRecommendation_themes")
        history_by_rec = {row.id: row for row in rows}
        links = Recommendation.themes.through.objects.filter(recommendation__in=list(history_by_rec))
        themes_history.objects.bulk_create(
            [
                themes_history(
                    history=history_by_rec[link.recommendation_id],
                    id=link.pk,
                    recommendation_id=link.recommendation_id,
                    theme_id=link.theme_id,
                )
                for link in links
            ]
        )

    def _write_actions(self, recommendations: dict[str, Recommendation]) -> list[tuple[Action, datetime.date | None]]:
        created, updated, fields, judged = [], [], {"updated_at"}, []
        now = timezone.now()
        for change in self.changes.actions:
            if change.kind not in (CREATE, UPDATE):
                continue
            recommendation = recommendations[change.number]
            # bulk_create skips Action.save(), which would copy the review.
            action = change.action or Action(recommendation=recommendation, review_id=recommendation.review_id)
            for field_change in change.writes:
                if field_change.field == "agency":
                    action.agency = self.agencies[name_key(change.plan.agency)]
                else:
                    setattr(action, field_change.field, field_change.new)
                fields.add(field_change.field)
            if change.kind == UPDATE:
                # What Action.save() would do: stamp the time of the change.
                action.updated_at = now
                updated.append(action)
            else:
                created.append(action)
            if change.records_judgement:
                judged.append((action, change.plan.assurance_date))
        bulk_create_with_history(created, Action, **self.history)
        if updated:
            bulk_update_with_history(updated, Action, sorted(fields), **self.history)
        return judged

    def _record_judgements(self, actions: list[tuple[Action, datetime.date | None]]) -> None:
        """The board's judgement history stays complete: one judgement for each assurance the import sets.

        Dated by the file's `assurance_date`; without it the date is unknown (never the import's day, which
        would count the judgement in this month's trend), and it is marked as imported from the file, by
        whom, so nobody reads the importer as the one who judged.
        """
        judgements = [
            AssuranceJudgement(
                action=action,
                level=action.assurance_level,
                statement=action.assurance_statement,
                judged_on=judged_on,
                recorded_by=self.user,
                imported_from=self.file_name,
            )
            for action, judged_on in actions
        ]
        bulk_create_with_history(judgements, AssuranceJudgement, **self.history)


def write(changes: PlanChanges, user, file_name: str) -> PlanImport:
    """Write everything `changes` plans, and record the import. Call inside a transaction."""
    writer = _Writer(changes, user, file_name)
    with generations.collected():  # one write of the generations for the whole import, not one a table
        writer.write()
    plan_import = PlanImport(
        review=changes.review,
        imported_by=user,
        file_name=file_name[:255],
        sha256=changes.sha256,
        row_count=changes.plan.row_count,
        counts=changes.counts(),
    )
    writer._tracked(plan_import).save()
    return plan_import
