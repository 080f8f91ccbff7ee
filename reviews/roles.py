"""Who holds which role on which board (DESIGN.md §4 and §9): the one reader of memberships.

A person holds roles per board (reviews.models.Membership): business manager, subgroup chair,
independent scrutineer (who read the whole board), and agency lead, whose scope is the agencies
named on that membership, so a lead's scope is a set of (board, agency) pairs. This module reads
them once per request (one query) into a `Scope`, cached on the user object, and imports no app
model at import time, so every layer may use it: the `for_user()` querysets scope themselves with
it, and reviews/permissions.py decides what each role may do with an object of a board.
"""

from dataclasses import dataclass, field

from django.apps import apps

MANAGER = "manager"
CHAIR = "chair"
LEAD = "lead"
SCRUTINEER = "scrutineer"
ROLE_CHOICES = [
    (MANAGER, "Business manager"),
    (CHAIR, "Subgroup chair"),
    (LEAD, "Agency lead"),
    (SCRUTINEER, "Independent scrutineer"),
]
ROLE_LABELS = dict(ROLE_CHOICES)
# The roles that read everything of their board (DESIGN.md §4); a lead reads their agencies' part.
WHOLE_BOARD = frozenset({MANAGER, CHAIR, SCRUTINEER})

# The labels, as the roles were named when they were Django groups (README "Boards").
BUSINESS_MANAGER = ROLE_LABELS[MANAGER]
SUBGROUP_CHAIR = ROLE_LABELS[CHAIR]
AGENCY_LEAD = ROLE_LABELS[LEAD]
INDEPENDENT_SCRUTINEER = ROLE_LABELS[SCRUTINEER]

_CACHE_ATTR = "_lscb_scope"


@dataclass(frozen=True)
class BoardSeat:
    """The board fields a page header needs, read with the memberships (no second query)."""

    pk: int
    slug: str
    name: str
    short_name: str
    protective_marking: str

    def board_ids(self, known=None) -> frozenset[int]:
        """A board is the object of its own permissions (creating a review, a request, an event on it)."""
        return frozenset({self.pk})


@dataclass(frozen=True)
class Scope:
    roles: dict[int, frozenset[str]] = field(default_factory=dict)  # board id → role codes
    agencies: dict[int, frozenset[int]] = field(default_factory=dict)  # board id → agency ids led there
    boards: tuple[BoardSeat, ...] = ()  # the person's boards, by name
    # Each review's boards, as the request's permission checks find them (reviews.permissions.boards_of).
    review_boards: dict = field(default_factory=dict, compare=False, hash=False)

    def boards_with(self, *role_codes: str) -> frozenset[int]:
        return frozenset(board for board, held in self.roles.items() if held.intersection(role_codes))

    @property
    def whole_boards(self) -> frozenset[int]:
        return self.boards_with(*WHOLE_BOARD)

    def holds(self, role_codes, board_ids=None) -> bool:
        """A role among `role_codes` on one of `board_ids` (None: on any board)."""
        boards = self.boards_with(*role_codes)
        return bool(boards if board_ids is None else boards.intersection(board_ids))

    def led_agencies(self, board_ids=None) -> frozenset[int]:
        """The agencies led on these boards (None: on any board)."""
        return frozenset().union(
            *(ids for board, ids in self.agencies.items() if board_ids is None or board in board_ids)
        )

    def lead_groups(self, beside_whole_boards: bool = False, board_ids=None) -> dict[frozenset[int], frozenset[int]]:
        """Led agencies → the boards where exactly those are led: one scoping clause per distinct set.
        A board the person also reads whole adds nothing to their scope, unless asked for (lead home).
        Only the boards among `board_ids`, if given (the board in view)."""
        groups: dict[frozenset[int], set[int]] = {}
        whole = frozenset() if beside_whole_boards else self.whole_boards
        for board, ids in self.agencies.items():
            if ids and board not in whole and (board_ids is None or board in board_ids):
                groups.setdefault(ids, set()).add(board)
        return {ids: frozenset(boards) for ids, boards in groups.items()}


NOBODY = Scope()


def scope_of(user) -> Scope:
    """The user's memberships, read once per request (one query) and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _read(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _read(user) -> Scope:
    membership = apps.get_model("reviews", "Membership")
    rows = membership.objects.filter(user=user).values_list(
        "board_id",
        "role",
        "agencies",
        "board__slug",
        "board__name",
        "board__short_name",
        "board__protective_marking",
    )
    roles: dict[int, set[str]] = {}
    agencies: dict[int, set[int]] = {}
    seats: dict[int, BoardSeat] = {}
    for board, role, agency, slug, name, short_name, marking in rows:
        roles.setdefault(board, set()).add(role)
        if role == LEAD and agency is not None:
            agencies.setdefault(board, set()).add(agency)
        seats[board] = BoardSeat(board, slug, name, short_name, marking)
    return Scope(
        roles={board: frozenset(held) for board, held in roles.items()},
        agencies={board: frozenset(ids) for board, ids in agencies.items()},
        boards=tuple(sorted(seats.values(), key=lambda seat: seat.name)),
    )


def role_names(user, board_ids=None) -> frozenset[str]:
    """The labels of the roles the user holds on these boards (None: on any board)."""
    scope = scope_of(user)
    return frozenset(
        ROLE_LABELS[role]
        for board, held in scope.roles.items()
        if board_ids is None or board in board_ids
        for role in held
    )


def is_manager(user, board_ids=None) -> bool:
    return scope_of(user).holds({MANAGER}, board_ids)


def is_chair(user, board_ids=None) -> bool:
    return scope_of(user).holds({CHAIR}, board_ids)


def is_agency_lead(user, board_ids=None) -> bool:
    return scope_of(user).holds({LEAD}, board_ids)


def sees_whole_board(user, board_ids=None) -> bool:
    """Managers, chairs and scrutineers see every agency of their boards; everyone else is scoped."""
    return scope_of(user).holds(WHOLE_BOARD, board_ids)


def lead_agency_ids(user, board_ids=None) -> frozenset[int]:
    """The agencies this user leads on these boards (None: on any board)."""
    return scope_of(user).led_agencies(board_ids)


def forget(user) -> None:
    """Drop the cached scope, after changing a user's memberships."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
