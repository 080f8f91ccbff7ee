"""Which historical rows belong to which boards: the change log shows a board's managers, chairs and
scrutineers the changes to their boards' records only (DESIGN.md §9).

A historical model keeps its record's foreign keys, so the record's own scoping paths
(`ScopedQuerySet.review_path` / `board_path`) reach its boards from the history rows too, deleted
records included. Agencies and themes are shared by every board: their changes show on each.
"""

from django.db.models import Q

from lscb.platform.history import tracked_model
from reviews.models import Agency, Board, Membership, Review, ScopedQuerySet, Theme

SHARED = (Agency, Theme)


def board_where(history_model, board_ids, members) -> Q | None:
    """The history rows of these boards' records; None: none of the model's rows is any board's."""
    live = tracked_model(history_model)
    queryset_class = live._default_manager._queryset_class
    if live in SHARED:
        return Q()
    if live is Board:
        return Q(id__in=board_ids)
    if live is Membership:
        return Q(board_id__in=board_ids)
    if not issubclass(queryset_class, ScopedQuerySet):
        # A person's own records (the reminder digests): the boards' members'.
        return Q(user__in=members) if hasattr(live, "user") else None
    if queryset_class.board_path:
        return Q(**{f"{queryset_class.board_path}__in": board_ids})
    reviews = Review.objects.filter(Q(board__in=board_ids) | Q(partner_boards__in=board_ids)).values("pk")
    path = getattr(queryset_class, "history_review_path", queryset_class.review_path)
    path = "id" if path == "pk" else path
    return Q(**{f"{path}__in": reviews})
