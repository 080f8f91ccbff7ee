"""Import a plan file into a review: read, validate, compare, and write in one transaction.

This is the one entry point for the command line (`import_plan`), the import
page and the demo seed. Every problem in the file is found before anything is
written; a file with any problem writes nothing.
"""

import hashlib
from dataclasses import dataclass

from django.db import transaction

from lscb.board.plan_import.changes import PlanChanges, compare
from lscb.board.plan_import.reading import read_plan
from lscb.board.plan_import.validation import validate
from lscb.board.plan_import.writing import write
from reviews.models import PlanImport, Review


class PlanChanged(Exception):
    """The file or the database changed since the preview: nothing was written; here is the new preview."""

    def __init__(self, changes: PlanChanges):
        self.changes = changes
        super().__init__("the plan changed since it was previewed")


@dataclass(frozen=True)
class ImportResult:
    changes: PlanChanges
    plan_import: PlanImport | None  # None for a dry run, or when the file changes nothing

    @property
    def written(self) -> bool:
        return self.plan_import is not None


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def preview(review: Review, content: bytes, file_name: str) -> PlanChanges:
    """What importing the file would do. Raises PlanFileError for a file that cannot be imported."""
    plan = validate(read_plan(content, file_name))
    return compare(review, plan, sha256_of(content))


def import_plan(
    review: Review,
    content: bytes,
    file_name: str,
    user,
    *,
    dry_run: bool = False,
    expected_fingerprint: str | None = None,
) -> ImportResult:
    """Import the file into the review (saved first if new), all or nothing.

    With `expected_fingerprint`, import only if the changes are exactly those
    previewed; otherwise raise PlanChanged carrying the new preview. Re-importing
    an unchanged file writes nothing at all, not even an import record.
    """
    plan = validate(read_plan(content, file_name))
    with transaction.atomic():
        if review.pk is not None:
            # One import at a time per review: a second waits here, then compares with the first's result.
            review = Review.objects.select_for_update().get(pk=review.pk)
        changes = compare(review, plan, sha256_of(content))
        if expected_fingerprint is not None and changes.fingerprint() != expected_fingerprint:
            raise PlanChanged(changes)
        if dry_run or not changes.has_changes:
            return ImportResult(changes, None)
        return ImportResult(changes, write(changes, user, file_name))
