"""The one clean error type of the plan import, and the problems it carries."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanProblem:
    """One thing wrong with (or worth saying about) a plan file, located as a spreadsheet shows it.

    `row` counts as a spreadsheet does: the header is row 1. `column` is the
    normalised column name (``due_date``), or a letter for a column with no heading.
    """

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class PlanFileError(Exception):
    """The file cannot be imported. Carries every problem found, in row order."""

    def __init__(self, problems: list[PlanProblem] | PlanProblem):
        self.problems = [problems] if isinstance(problems, PlanProblem) else list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]))
