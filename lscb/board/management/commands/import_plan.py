"""python manage.py import_plan FILE --review SLUG [--create-review TITLE [--board SLUG]] [--dry-run] [--user USERNAME]

Exit status 0 when the file imports (or, with --dry-run, would import)
cleanly; 1 on any error, after printing every problem found.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lscb.board.management.arguments import board_named, read_file, user_named
from lscb.board.plan_import import PlanFileError
from lscb.board.plan_import.service import ImportResult, import_plan
from reviews.models import Review


class Command(BaseCommand):
    help = "Import an action plan (CSV or XLSX) into a review, all or nothing. See README 'Importing a plan'."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The plan: a .csv file or an Excel workbook (.xlsx; the first sheet is read).")
        parser.add_argument("--review", required=True, metavar="SLUG", help="The review to import into.")
        parser.add_argument(
            "--create-review", metavar="TITLE", help="Create the review with this title if the slug is new."
        )
        parser.add_argument(
            "--board",
            metavar="SLUG",
            help="The board a created review belongs to; needed only when the deployment has several boards.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, writing nothing.")
        parser.add_argument("--user", metavar="USERNAME", help="Record the import and its history as this user.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        content = read_file(path)
        review = self.review(options["review"], options["create_review"], options["board"])
        user = user_named(options["user"])
        try:
            result = import_plan(review, content, path.name, user, dry_run=options["dry_run"])
        except PlanFileError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{path.name} was not imported: {len(error.problems)} problem(s) found.") from None
        self.report(result, options["dry_run"])

    def review(self, slug: str, title: str | None, board_slug: str | None) -> Review:
        review = Review.objects.filter(slug=slug).select_related("board").first()
        if review is not None:
            if board_slug and review.board.slug != board_slug:
                raise CommandError(
                    f'The review "{slug}" belongs to {review.board} ({review.board.slug}), not "{board_slug}".'
                )
            return review
        if not title:
            raise CommandError(f'There is no review "{slug}". Give --create-review TITLE to create it.')
        return Review(
            board=board_named(board_slug),
            slug=slug,
            title=title,
            subject=title.split(":")[0][:100],
            status=Review.Status.PLAN_OPEN,
        )

    def report(self, result: ImportResult, dry_run: bool) -> None:
        changes = result.changes
        for warning in changes.plan.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        counts = changes.counts()
        lines = [
            f"Agencies created: {counts['agencies']['created']}" + _names(changes.new_agencies),
            f"Themes created: {counts['themes']['created']}" + _names(changes.new_themes),
        ]
        for kind in ("recommendations", "actions"):
            tally = counts[kind]
            lines.append(
                f"{kind.capitalize()}: {tally['created']} created, {tally['updated']} updated, "
                f"{tally['unchanged']} unchanged"
            )
        lines.append(f"Assurance judgements recorded: {counts['judgements']['created']}")
        if changes.recommendations_left or changes.actions_left:
            lines.append(
                f"Left as they are (not in the file): {changes.recommendations_left} recommendations, "
                f"{changes.actions_left} actions"
            )
        self.stdout.write("\n".join(lines))
        self.stdout.write(self.style.SUCCESS(self.outcome(result, dry_run)))

    def outcome(self, result: ImportResult, dry_run: bool) -> str:
        review = result.changes.review
        rows = result.changes.plan.row_count
        if dry_run:
            return f"Dry run: {rows} rows checked, no problems found; nothing was written."
        if not result.written:
            return f"Nothing to change: {review.slug} already matches the file ({rows} rows)."
        return f"Imported {rows} rows into {review.slug} (import {result.plan_import.pk})."


def _names(names: list[str]) -> str:
    return f" ({'; '.join(names)}): check these are not misspellings of existing ones" if names else ""
