"""The product's "today" is timezone.localdate() (Europe/London), and so is every test's.

date.today() is the server's date: between midnight and 1 a.m. in summer it is yesterday in London, and a
test that computes "today" that way disagrees with the product it checks. A "today" computed when a module
is imported goes stale on a run that crosses midnight, so none is kept at module level either.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "node_modules", "bench", "static", "var"}


def python_files() -> list[Path]:
    return [path for path in ROOT.rglob("*.py") if not SKIPPED & set(path.relative_to(ROOT).parts) and path.is_file()]


def calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name
    ]


def test_nothing_asks_the_server_for_todays_date():
    found = []
    for path in python_files():
        for call in calls(ast.parse(path.read_text()), "today"):
            owner = call.func.value
            if (
                isinstance(owner, ast.Name | ast.Attribute)
                and getattr(owner, "id", getattr(owner, "attr", "")) == "date"
            ):
                found.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert found == [], "use timezone.localdate() (Europe/London): " + ", ".join(found)


def evaluated_at_import(node: ast.AST) -> list[ast.AST]:
    """The nodes of a module-level statement that run on import: not the bodies of lambdas."""
    if isinstance(node, ast.Lambda):
        return []
    return [node] + [inner for child in ast.iter_child_nodes(node) for inner in evaluated_at_import(child)]


def test_no_module_keeps_a_today_computed_at_import():
    found = []
    for path in python_files():
        for statement in ast.parse(path.read_text()).body:
            if not isinstance(statement, ast.Assign | ast.AnnAssign):
                continue
            for node in evaluated_at_import(statement):
                if node in calls(statement, "localdate"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], "compute today inside the test or fixture: " + ", ".join(found)
