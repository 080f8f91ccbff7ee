"""The plan import service: the sample plan, XLSX, idempotence, history, matching, all-or-nothing."""

import datetime
import hashlib

import pytest

from actions.choices import ActionStatus, AssuranceLevel
from actions.models import Action
from assurance.models import AssuranceJudgement
from lscb.board.plan_import import PlanFileError
from lscb.board.plan_import.service import import_plan, preview
from lscb.board.tests.plan_import_support import (
    SAMPLE_CSV,
    SAMPLE_NAME,
    database_snapshot,
    sample_rows,
    sample_with,
    to_csv,
    to_xlsx,
)
from reviews.models import Agency, PlanImport, Recommendation, Review, Theme
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
    first_board,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_a(db):
    return ReviewFactory(slug="child-a", subject="Child A", title="Child A: serious case review")


def plan_state(review: Review) -> list[tuple]:
    """Everything the import sets, in a form two databases can be compared by."""
    state = []
    for rec in Recommendation.objects.filter(review=review).order_by("sort_key").prefetch_related("themes", "actions"):
        state.append((rec.number, rec.agency.name, rec.text, sorted(t.name for t in rec.themes.all())))
        for a in sorted(rec.actions.all(), key=lambda a: a.pk):
            state.append(
                (a.agency.name, a.description, a.lead_officer, a.due_date, a.status, a.status_reason, a.progress)
                + (a.assurance_level, a.assurance_statement, a.judgements.count())
            )
    return state


def test_the_sample_plan_imports_with_the_right_counts(child_a, manager):
    result = import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)

    assert result.changes.counts() == {
        "agencies": {"created": 8},
        "themes": {"created": 9},
        "recommendations": {"created": 14, "updated": 0, "unchanged": 0},
        "actions": {"created": 15, "updated": 0, "unchanged": 0},
        "judgements": {"created": 11},
    }
    assert child_a.recommendations.count() == 14
    assert Action.objects.filter(recommendation__review=child_a).count() == 15
    assert Action.objects.filter(review=child_a).count() == 15  # bulk-created with the review's copy
    rec = Recommendation.objects.get(review=child_a, number="1.1")
    assert rec.agency.name == "Children's Social Care"
    assert sorted(t.name for t in rec.themes.all()) == ["Record keeping", "Voice of the child"]
    first, second = rec.actions.order_by("pk")
    assert first.due_date == datetime.date(2026, 3, 31) and first.status == ActionStatus.COMPLETED
    assert first.assurance_level == AssuranceLevel.PARTIAL and first.assurance_statement.startswith("The board has")
    assert second.due_date == datetime.date(2026, 9, 30) and second.status == ActionStatus.NOT_STARTED
    # Quoted cells with commas, doubled quotes and a line break survive.
    rec_2_2 = Recommendation.objects.get(review=child_a, number="2.2")
    assert '"was not brought" used instead of "did not attend"' in rec_2_2.text
    progress = Action.objects.get(recommendation__review=child_a, recommendation__number="4.1").progress
    assert progress.startswith("First handover day held in June") and "\nModel policy amended" in progress
    on_hold = Action.objects.get(recommendation__review=child_a, recommendation__number="3.1")
    assert on_hold.status == ActionStatus.ON_HOLD and on_hold.status_reason.startswith("Awaiting the force-wide")


def test_the_import_is_recorded_with_who_when_file_hash_and_counts(child_a, manager):
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    record = PlanImport.objects.get()
    assert record.review == child_a and record.imported_by == manager and record.file_name == SAMPLE_NAME
    assert record.sha256 == hashlib.sha256(SAMPLE_CSV).hexdigest()
    assert record.row_count == 15 and record.counts["actions"]["created"] == 15


def test_history_is_attributed_to_the_importer_with_the_file_name_as_reason(child_a, manager):
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    for model in (Agency, Theme, Recommendation, Action, AssuranceJudgement, PlanImport):
        rows = model.history.all()
        assert rows.exists()
        assert {(row.history_user_id, row.history_change_reason) for row in rows} == {
            (manager.pk, "imported from child-a-plan.csv")
        }, model
    # One history row per new recommendation, holding its themes.
    rec = Recommendation.objects.get(review=child_a, number="1.1")
    (row,) = rec.history.all()
    assert row.history_type == "+"
    assert sorted(link.theme.name for link in row.themes.all()) == ["Record keeping", "Voice of the child"]


def test_assurance_from_the_file_is_recorded_as_imported_with_its_date_unknown(child_a, manager):
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    action = Action.objects.get(recommendation__review=child_a, recommendation__number="2.1")
    (judgement,) = action.judgements.all()
    assert judgement.level == AssuranceLevel.ASSURED and judgement.statement == action.assurance_statement
    # Not the day of the import, and marked as imported by the manager rather than judged by them.
    assert judgement.judged_on is None and judgement.imported_from == SAMPLE_NAME
    assert judgement.recorded_by == manager and str(judgement) == "Assured (imported, date unknown)"
    awaiting = Action.objects.get(recommendation__review=child_a, recommendation__number="8.1")
    assert not awaiting.judgements.exists()


def test_an_assurance_date_column_dates_each_imported_judgement(child_a, manager):
    rows = sample_rows()
    rows[0].append("Assurance date")
    for row in rows[1:]:
        row.append("")
    rows[2][-1] = "15/06/2025"  # row 3 of the sheet: 1.1's second action has no assurance: no judgement
    rows[3][-1] = "2025-07-01"  # row 4: 1.2, assured
    import_plan(child_a, to_csv(rows), "dated.csv", manager)
    dated = AssuranceJudgement.objects.exclude(judged_on=None)
    assert list(dated.values_list("judged_on", flat=True)) == [datetime.date(2025, 7, 1)]
    assert AssuranceJudgement.objects.filter(judged_on=None).count() == 10
    assert set(AssuranceJudgement.objects.values_list("imported_from", flat=True)) == {"dated.csv"}


@pytest.mark.parametrize(
    "value, message",
    [
        ("31/02/2025", '"31/02/2025" is not a date (write dates as 31/03/2026, 31.03.2026 or 2026-03-31)'),
        ("01/01/2099", "the board's judgement cannot be dated in the future (01/01/2099)"),
    ],
)
def test_a_bad_assurance_date_names_its_row_and_column_and_imports_nothing(child_a, manager, value, message):
    rows = sample_rows()
    rows[0].append("assurance_date")
    for row in rows[1:]:
        row.append("")
    rows[5][-1] = value
    with pytest.raises(PlanFileError) as refused:
        import_plan(child_a, to_csv(rows), "dated.csv", manager)
    [problem] = refused.value.problems
    assert (problem.row, problem.column, problem.message) == (6, "assurance_date", message)
    assert not Action.objects.exists()


def test_the_xlsx_version_gives_the_same_plan_as_the_csv(manager):
    from_csv, from_xlsx = ReviewFactory(slug="from-csv"), ReviewFactory(slug="from-xlsx")
    csv_result = import_plan(from_csv, SAMPLE_CSV, SAMPLE_NAME, manager)
    xlsx_result = import_plan(from_xlsx, to_xlsx(sample_rows()), "child-a-plan.xlsx", manager)
    assert plan_state(from_csv) == plan_state(from_xlsx)
    xlsx_counts = xlsx_result.changes.counts()
    assert xlsx_counts["actions"] == csv_result.changes.counts()["actions"]
    assert xlsx_counts["agencies"]["created"] == 0  # the CSV import created them


def test_importing_the_xlsx_after_the_csv_changes_nothing(child_a, manager):
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    before = database_snapshot()
    result = import_plan(child_a, to_xlsx(sample_rows()), "child-a-plan.xlsx", manager)
    assert not result.written and database_snapshot() == before


def test_reimporting_the_same_file_writes_nothing_and_no_history(child_a, manager):
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    before, versions = database_snapshot(), list(Action.objects.order_by("pk").values_list("updated_at", flat=True))

    result = import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)

    assert not result.written and not result.changes.has_changes
    assert result.changes.counts()["actions"] == {"created": 0, "updated": 0, "unchanged": 15}
    assert database_snapshot() == before  # every table, every history table, the import records
    assert list(Action.objects.order_by("pk").values_list("updated_at", flat=True)) == versions


def test_a_one_cell_change_updates_one_action_and_writes_one_history_row(child_a, manager, chair):
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    before = database_snapshot()
    changed = sample_with(6, "status", "Completed")

    result = import_plan(child_a, changed, "child-a-plan-v2.csv", chair)

    counts = result.changes.counts()
    assert counts["actions"] == {"created": 0, "updated": 1, "unchanged": 14}
    assert counts["recommendations"] == {"created": 0, "updated": 0, "unchanged": 14}
    after = database_snapshot()
    grown = {label: after[label] - before[label] for label in after if after[label] != before[label]}
    # One action history row; the only other new rows are the record of the import itself.
    assert grown == {"actions.HistoricalAction": 1, "reviews.PlanImport": 1, "reviews.HistoricalPlanImport": 1}
    action = Action.objects.get(recommendation__review=child_a, recommendation__number="2.2")
    assert action.status == ActionStatus.COMPLETED and action.history.count() == 2
    latest = action.history.first()
    assert latest.history_type == "~" and latest.history_user == chair
    assert latest.history_change_reason == "imported from child-a-plan-v2.csv"
    assert latest.diff_against(latest.prev_record).changed_fields == ["status"]


def test_a_changed_assurance_updates_the_action_and_records_one_judgement(child_a, manager):
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    changed = sample_with(16, "assurance_level", "Assured")
    result = import_plan(child_a, changed, SAMPLE_NAME, manager)
    assert result.changes.counts()["judgements"] == {"created": 1}
    action = Action.objects.get(recommendation__review=child_a, recommendation__number="8.1")
    assert action.assurance_level == AssuranceLevel.ASSURED
    assert [j.level for j in action.judgements.all()] == [AssuranceLevel.ASSURED]


def test_a_corrected_action_description_updates_the_action_in_place(child_a, manager):
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    action = Action.objects.get(recommendation__review=child_a, recommendation__number="1.2")
    changed = sample_with(4, "action", "Relaunch the supervision policy, with a reflective supervision template")
    result = import_plan(child_a, changed, SAMPLE_NAME, manager)
    assert result.changes.counts()["actions"]["updated"] == 1
    action.refresh_from_db()
    assert action.description == "Relaunch the supervision policy, with a reflective supervision template"
    assert Action.objects.filter(recommendation__review=child_a).count() == 15


def test_changed_themes_update_the_recommendation_with_one_history_row(child_a, manager):
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    rec = Recommendation.objects.get(review=child_a, number="1.2")
    result = import_plan(child_a, sample_with(4, "themes", "Supervision;Brand new theme"), SAMPLE_NAME, manager)
    assert result.changes.new_themes == ["Brand new theme"]
    assert result.changes.counts()["recommendations"]["updated"] == 1
    assert sorted(t.name for t in rec.themes.all()) == ["Brand new theme", "Supervision"]
    latest = rec.history.first()
    assert rec.history.count() == 2 and latest.history_type == "~"
    assert sorted(link.theme.name for link in latest.themes.all()) == ["Brand new theme", "Supervision"]
    # And back again: the theme link is removed, the theme itself stays.
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    assert [t.name for t in rec.themes.all()] == ["Supervision"]
    assert Theme.objects.filter(name="Brand new theme").exists()


def test_existing_agencies_and_themes_are_matched_whatever_the_case(child_a, manager):
    AgencyFactory(name="CHILDREN'S social care", short_name="CSC")
    ThemeFactory(name="voice of the child")
    result = preview(child_a, SAMPLE_CSV, SAMPLE_NAME)
    assert "Children's Social Care" not in result.new_agencies and len(result.new_agencies) == 7
    assert "Voice of the child" not in result.new_themes and len(result.new_themes) == 8


def test_an_agency_short_name_finds_the_agency(child_a, manager):
    police = AgencyFactory(name="Northbridge Police", short_name="Police")
    rows = [["Agency", "Number", "Recommendation"], ["police", "1.1", "Check every adult in the household."]]
    import_plan(child_a, to_csv(rows), "short.csv", manager)
    assert Recommendation.objects.get(review=child_a).agency == police


def test_columns_the_file_leaves_out_are_left_alone(child_a, manager, agency_a):
    rec = RecommendationFactory(review=child_a, agency=agency_a, number="1.1", text="See the child alone.")
    action = ActionFactory(recommendation=rec, description="See the child alone.", progress="Kept.")
    rows = [["agency", "number", "recommendation"], [agency_a.name, "1.1", "See the child alone."]]
    result = import_plan(child_a, to_csv(rows), "minimal.csv", manager)
    assert not result.written
    action.refresh_from_db()
    assert action.progress == "Kept." and action.status == ActionStatus.IN_PROGRESS


def test_nothing_outside_the_file_is_deleted_and_it_is_reported(child_a, manager, agency_a):
    RecommendationFactory(review=child_a, agency=agency_a, number="9.9")
    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    extra = ActionFactory(recommendation=Recommendation.objects.get(review=child_a, number="1.2"))
    changes = preview(child_a, SAMPLE_CSV, SAMPLE_NAME)
    assert (changes.recommendations_left, changes.actions_left) == (1, 1)
    assert not changes.has_changes
    assert Action.objects.filter(pk=extra.pk).exists()


def test_several_rows_with_one_number_give_several_actions_and_a_later_agency_is_the_actions(child_a, manager):
    rows = [
        ["agency", "number", "recommendation", "action"],
        ["Health", "6.4", "Share records.", "Write the protocol."],
        ["", "6.4", "", "Train staff."],
        ["Police", "6.4.", "Share records.", "Brief officers."],
    ]
    import_plan(child_a, to_csv(rows), "multi.csv", manager)
    rec = Recommendation.objects.get(review=child_a)
    assert rec.number == "6.4" and rec.agency.name == "Health"
    assert [(a.description, a.agency.name) for a in rec.actions.order_by("pk")] == [
        ("Write the protocol.", "Health"),
        ("Train staff.", "Health"),
        ("Brief officers.", "Police"),
    ]


def test_a_blank_action_defaults_to_the_recommendation(child_a, manager):
    rows = [["agency", "number", "recommendation", "action"], ["Health", "1", "Share records.", ""]]
    import_plan(child_a, to_csv(rows), "blank.csv", manager)
    assert Action.objects.get(recommendation__review=child_a).description == "Share records."


def test_create_review_is_written_with_the_plan_or_not_at_all(manager):
    review = Review(board=first_board(), slug="new-one", title="New one: rapid review", subject="New one")
    import_plan(review, SAMPLE_CSV, SAMPLE_NAME, manager)
    assert Review.objects.get(slug="new-one").recommendations.count() == 14
    bad = Review(board=first_board(), slug="never", title="Never", subject="Never")
    with pytest.raises(PlanFileError):
        import_plan(bad, sample_with(3, "due_date", "31/02/2026"), SAMPLE_NAME, manager)
    assert not Review.objects.filter(slug="never").exists()


def test_dry_run_writes_nothing(child_a, manager):
    before = database_snapshot()
    result = import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager, dry_run=True)
    assert result.changes.counts()["actions"]["created"] == 15 and not result.written
    assert database_snapshot() == before


def big_plan(recommendations: int) -> bytes:
    rows = [["agency", "number", "recommendation", "action", "status", "due_date", "themes", "assurance_level"]]
    for n in range(recommendations):
        for k in range(3):
            rows.append(
                [f"Agency {n % 7}", f"{n // 10 + 1}.{n % 10 + 1}", f"Recommendation {n}.", f"Action {n}.{k}"]
                + ["In progress", "31/03/2027", f"Theme {n % 5};Theme {k}", "Partially assured" if k else ""]
            )
    return to_csv(rows)


def test_the_import_runs_a_constant_number_of_queries(child_a, manager, django_assert_num_queries):
    content = big_plan(5)  # 15 rows
    # Reading (5): savepoint, the review (locked), agencies, themes, the review's recommendations (none yet, so
    # nothing to prefetch). Writing (16): agencies + history, themes + history, recommendations, their theme
    # links (read, insert), recommendation history, links reloaded + their history, actions + history,
    # judgements + history, the generations of everything written (one upsert, lscb.platform.generations),
    # the import record + history; release savepoint (1).
    with django_assert_num_queries(23):
        import_plan(child_a, content, "big.csv", manager)
    # The same file again: savepoint, review, agencies, themes, recommendations, their themes and actions,
    # release savepoint. Nothing is written.
    with django_assert_num_queries(8):
        import_plan(child_a, content, "big.csv", manager)


def test_ten_times_the_rows_costs_only_a_few_more_bulk_batches(child_a, manager, django_assert_max_num_queries):
    content = big_plan(50)  # 150 rows
    # The same 23 queries; SQLite splits a bulk insert into batches of at most 999 parameters, so the
    # actions, recommendations and their history (wider since the decision and impact columns) may take a few
    # more. Nothing is done per row.
    with django_assert_max_num_queries(23 + 7):
        import_plan(child_a, content, "big.csv", manager)
    with django_assert_max_num_queries(8):
        import_plan(child_a, content, "big.csv", manager)


def test_the_action_page_says_an_imported_judgement_was_imported_and_its_date_unknown(client, child_a, manager):
    from conftest import client_for

    import_plan(child_a, SAMPLE_CSV, SAMPLE_NAME, manager)
    action = Action.objects.get(recommendation__review=child_a, recommendation__number="2.1")
    html = " ".join(client_for(client, manager).get(f"/actions/{action.pk}/").content.decode().split())
    assert f"Date unknown (imported from {SAMPLE_NAME} by" in html
