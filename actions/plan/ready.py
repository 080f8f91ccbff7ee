"""Plans ready before they are asked for (DESIGN.md §13): the worker prints, a request serves the file.

After a change to a review (its generations bumped in the writer's transaction:
lscb.board.generations), `queue_review()` queues, on commit, one task that
prints the review's whole plan and every agency's extract, each as PDF and as Word (.docx). A print request
then finds the ready file for the current generations and serves it; when
there is none yet, it queues that one document and says it is being prepared.

The files live under READY_PLANS_ROOT (MEDIA_ROOT/plans)/<review id>/, named by a digest of what
they print (the layout, the generations, the board's name and marking, today's
date), so every process sees them and a stale one is never served. They are
OFFICIAL-SENSITIVE: never under static, served only by the permission-checked
plan view. An agency with no actions in the review gets an ".empty" marker; a document over its page
or time budget (actions.plan.html_to_pdf) a ".refused" one holding the reason.

The footer of a ready plan names the board, not a person: it was printed
before anyone asked, and one file serves everyone who may see it.

Debounced: a burst of changes queues one task per review (a task not yet
started is not queued again), and a task finding its file already printed for
the current generations does nothing.
"""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from actions import plan as plans
from actions.models import Action
from actions.plan import word
from lscb.platform import tasks
from lscb.platform.tasks import task
from reviews import generations as names_of
from reviews.models import Agency, Review

WHOLE = "all"


# The files each document is printed as: the PDF, and the same plan in Word (actions.plan.word).
KINDS = ("pdf", "docx")


@dataclass
class Ready:
    """What the store holds for one document now: its bytes, or `empty` (an extract with no actions)."""

    content: bytes | None = None
    empty: bool = False
    refused: str = ""  # why the print was refused (over its page or time budget), in words

    @property
    def found(self) -> bool:
        return self.content is not None or self.empty or bool(self.refused)


def folder(review_id: int) -> Path:
    return Path(settings.READY_PLANS_ROOT) / str(review_id)


def _stem(review: Review, agency_id: int | None) -> str:
    """The document's name for the data as it is now: one query (the generations)."""
    parts = (
        plans.LAYOUT_VERSION,
        review.pk,
        plans.plan_generations(review),
        review.board.name,
        review.board.protective_marking,
        timezone.localdate().isoformat(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{agency_id or WHOLE}-{digest}"


def lookup(review: Review, agency: Agency | None, kind: str = "pdf") -> Ready:
    """The ready document (`kind`: "pdf" or "docx") for the current data, if the worker has printed it."""
    stem = folder(review.pk) / _stem(review, getattr(agency, "pk", None))
    try:
        return Ready(content=stem.with_suffix(f".{kind}").read_bytes())
    except FileNotFoundError:
        pass
    try:
        return Ready(refused=stem.with_suffix(".refused").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Ready(empty=stem.with_suffix(".empty").exists())


def _store(review_id: int, stem: str, suffix: str, content: bytes) -> None:
    """Write atomically, then remove this document's older files."""
    target = folder(review_id)
    target.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target, prefix=".printing-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, target / f"{stem}{suffix}")
    own = stem.split("-", 1)[0] + "-"
    for old in target.iterdir():
        if old.name.startswith(own) and old.stem != stem:
            old.unlink(missing_ok=True)


def print_document(review: Review, agency: Agency | None) -> bool:
    """Print one document, as PDF and Word, unless its files for the current data exist. True when it printed."""
    agency_id = getattr(agency, "pk", None)
    if all(lookup(review, agency, kind).found for kind in KINDS):
        return False
    stem = _stem(review, agency_id)  # read before the data: a change meanwhile leaves this file stale, not wrong
    document = plans.review_plan_document(review, agency, None)
    if document is None:
        _store(review.pk, stem, ".empty", b"")
        return True
    document.generated_by = review.board.name
    _store(review.pk, stem, ".docx", word.plan_docx(document))  # Word has no page budget: it lays out nothing
    try:
        _store(review.pk, stem, ".pdf", plans.html_to_pdf(plans.plan_html(document)))
    except plans.PdfBudgetExceeded as refusal:
        # Kept beside the files, so a print says why at once instead of "being prepared" for ever.
        _store(review.pk, stem, ".refused", str(refusal).encode())
    return True


@task(priority=tasks.PERSON_WAITING)
def print_plan(review_id: int, agency_id: int | None = None) -> bool:
    """The worker prints one document asked for by a print request."""
    review = Review.objects.filter(pk=review_id).first()
    if review is None:
        return False
    agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
    if agency_id and agency is None:
        return False
    return print_document(review, agency)


@task(priority=tasks.BACKGROUND)
def print_review(review_id: int) -> int:
    """The worker prints a changed review's whole plan and each agency's extract; the count printed."""
    review = Review.objects.filter(pk=review_id).first()
    if review is None:
        return 0
    agency_ids = Action.objects.filter(recommendation__review=review).values_list("agency_id", flat=True)
    agencies = Agency.objects.filter(pk__in={pk for pk in agency_ids if pk is not None}).order_by("pk")
    return sum(print_document(review, agency) for agency in [None, *agencies])


def queue_plan(review: Review, agency: Agency | None) -> bool:
    """Queue one document for a print request now; True when the backend printed it already (immediate)."""
    result = print_plan.enqueue(review.pk, getattr(agency, "pk", None))
    return result.status == TaskResultStatus.SUCCESSFUL


def _pending(review_id: int) -> bool:
    """A print of this review queued and not started yet (the database backend only)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend: the task's own check debounces
        return False
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=print_review.module_path)
    return any(args_kwargs.get("args") == [review_id] for args_kwargs in queued.values_list("args_kwargs", flat=True))


def _queue_reviews(review_ids: frozenset | None) -> None:
    if review_ids is None:  # an agency changed: its name is on every plan
        review_ids = Review.objects.values_list("pk", flat=True)
    for review_id in sorted(review_ids):
        if not _pending(review_id):
            print_review.enqueue(review_id)


def queue_for_generations(names) -> None:
    """After the current transaction commits (at once in autocommit), queue a print of each review whose
    printed plan these bumped generations (lscb.board.generations) change."""
    names = set(names)
    if names_of.AGENCIES in names:
        review_ids = None
    else:
        review_ids = frozenset(int(name.split(":")[1]) for name in names if name.startswith("review:"))
        if not review_ids:
            return
    # robust: a queue that cannot be written must not fail the change; the next print queues its own.
    transaction.on_commit(lambda: _queue_reviews(review_ids), robust=True)
