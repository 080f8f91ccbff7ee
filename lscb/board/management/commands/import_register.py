"""python manage.py import_register FILE [--board SLUG] [--commit] [--user USERNAME]

Loads a review register file (the register's CSV or XLSX export, /reviews/?export=csv|xlsx) for one board, as
/reviews/import/ does (lscb/board/register.py): each row updates the board's review it names, and a row naming
none adds a review to the board. Without --commit it prints what would change and writes nothing; with it, it
writes everything in one transaction, or nothing.

Exit status 0 when the file loads (or, without --commit, would load) cleanly; 1 on any error, after printing
every problem found with its row and column.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lscb.board import register
from lscb.board.management.arguments import board_named, read_file, user_named
from lscb.board.plan_import import PlanFileError


class Command(BaseCommand):
    help = "Load a review register file (CSV or XLSX) into a board, all or nothing. See README 'The register'."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The register: a .csv file or an Excel workbook (.xlsx; the first sheet).")
        parser.add_argument(
            "--board",
            metavar="SLUG",
            help="The board whose reviews the file updates and adds to; needed only when there are several.",
        )
        parser.add_argument("--commit", action="store_true", help="Write the changes (without it, only show them).")
        parser.add_argument("--user", metavar="USERNAME", help="Record the changes and their history as this user.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        content = read_file(path)
        board = board_named(options["board"])
        user = user_named(options["user"])
        load = register.load_register if options["commit"] else register.compare
        try:
            changes = load(board.pk, user, content, path.name)
        except PlanFileError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{path.name} was not loaded: {len(error.problems)} problem(s) found.") from None
        self.report(changes)
        self.stdout.write(self.style.SUCCESS(self.outcome(changes, board, options["commit"])))

    def report(self, changes: register.RegisterChanges) -> None:
        lines = [
            f"Reviews to add: {len(changes.created)}",
            f"Reviews to update: {len(changes.updated)}",
            f"Unchanged: {changes.unchanged}",
        ]
        if changes.ignored_columns:
            lines.append(f"Columns the register does not have, ignored: {', '.join(changes.ignored_columns)}")
        for change in changes.reviews:
            verb = "add" if change.creates else "update"
            lines.append(f"Row {change.row}: {verb} {change.review.slug}")
            for field_change in change.changed:
                before = "" if change.creates else f"{field_change.before} -> "
                lines.append(f"  {field_change.label}: {before}{field_change.after}")
        self.stdout.write("\n".join(lines))

    def outcome(self, changes: register.RegisterChanges, board, commit: bool) -> str:
        counts = f"{len(changes.created)} review(s) added, {len(changes.updated)} updated"
        if not commit:
            return f"Preview: no problems found; nothing was written. Give --commit to load it ({counts})."
        if not changes.has_changes:
            return f"Nothing to change: the reviews of {board.slug} already match {changes.file_name}."
        return f"Loaded {changes.file_name} into {board.slug}: {counts}."
