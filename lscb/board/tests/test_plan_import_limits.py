"""Issue 12, finding 2, in the import: each column holds the bound of the form that edits its field, so an
imported plan can never hold what a form would refuse. One character over is refused, naming the row, the
column and the bound in the form's words, and nothing is stored."""

import pytest

from actions.models import Action
from lscb.board.plan_import import PlanFileError
from lscb.board.plan_import.service import import_plan
from lscb.board.plan_import.validation import COLUMN_LIMITS
from lscb.board.tests.plan_import_support import SAMPLE_CSV, SAMPLE_NAME, database_snapshot, sample_with
from reviews.models import Recommendation
from tests.factories import ReviewFactory

# Row 2 is the first row of recommendation 1.1, row 8 an action that is "On hold".
CASES = {
    "recommendation": (2, "The recommendation must be 5,000 characters or fewer; this cell has 5,001"),
    "action": (2, "The action must be 5,000 characters or fewer; this cell has 5,001"),
    "lead": (2, "The lead officer must be 200 characters or fewer; this cell has 201"),
    "progress": (2, "Progress must be 10,000 characters or fewer; this cell has 10,001"),
    "assurance": (2, "The assurance to the board must be 5,000 characters or fewer; this cell has 5,001"),
    "number": (2, "The recommendation number must be 20 characters or fewer; this cell has 21"),
    "agency": (2, "The agency's name must be 200 characters or fewer; this cell has 201"),
    "themes": (2, "The theme's name must be 200 characters or fewer; this cell has 201"),
    "decision_reason": (2, "The reasons for the decision must be 5,000 characters or fewer; this cell has 5,001"),
}


@pytest.fixture
def imported_review(manager):
    review = ReviewFactory(slug="child-a")
    import_plan(review, SAMPLE_CSV, SAMPLE_NAME, manager)
    return review


def test_every_bounded_column_is_tested():
    assert set(CASES) == set(COLUMN_LIMITS)


def test_the_columns_hold_the_forms_bounds():
    assert COLUMN_LIMITS["recommendation"] is Recommendation.TEXT_LIMITS["text"]
    assert COLUMN_LIMITS["action"] is Action.TEXT_LIMITS["description"]
    assert COLUMN_LIMITS["progress"] is Action.TEXT_LIMITS["progress"]


@pytest.mark.django_db
@pytest.mark.parametrize("column", CASES)
def test_a_cell_over_its_columns_bound_is_refused_and_nothing_stored(column, imported_review, chair):
    row, expected = CASES[column]
    content = sample_with(row, column, "x" * (COLUMN_LIMITS[column].characters + 1))
    before = database_snapshot()
    with pytest.raises(PlanFileError) as error:
        import_plan(imported_review, content, SAMPLE_NAME, chair)
    problems = [str(problem) for problem in error.value.problems]
    assert f"row {row}, column {column}: {expected}" in problems, problems
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_cell_at_its_bound_is_imported(imported_review, chair):
    content = sample_with(2, "progress", "x" * 10_000)
    import_plan(imported_review, content, SAMPLE_NAME, chair)
    assert Action.objects.filter(progress="x" * 10_000).exists()


@pytest.mark.django_db
def test_the_progress_of_an_on_hold_action_holds_the_reasons_bound(imported_review, chair):
    """On hold: the progress cell is also the status reason, whose form bound (2,000) is smaller."""
    content = sample_with(8, "progress", "x" * 2_001)
    before = database_snapshot()
    with pytest.raises(PlanFileError) as error:
        import_plan(imported_review, content, SAMPLE_NAME, chair)
    assert any(
        str(p).startswith("row 8, column progress: The reason must be 2,000 characters or fewer; this cell has 2,001")
        for p in error.value.problems
    )
    assert database_snapshot() == before
