"""Importing an existing action plan from a CSV or XLSX file (DESIGN.md §6).

One import writes agencies and themes and recommendations (reviews/), actions
(actions/) and assurance judgements (assurance/) in a single transaction. It
lives in lscb, the layer that composes the apps, because only lscb may import
all three: reviews must not know about actions, nor actions about assurance.

The modules run in order, each a small step:

- `reading`: bytes -> header-normalised rows, from a CSV or the first sheet of an XLSX;
- `validation`: rows -> a validated plan, or every problem with its row and column;
- `service`: plan + database -> the changes to make (a preview), then the write.

Each step refuses bad input with `PlanFileError`, and nothing else.
"""

from lscb.board.plan_import.problems import PlanFileError, PlanProblem

__all__ = ["PlanFileError", "PlanProblem"]
