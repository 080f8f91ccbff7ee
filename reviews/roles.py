"""The board's roles, as Django groups (DESIGN.md §4).

This module is the one reader of the roles (groups and Agency.leads) and imports no app
models, so that every layer may use it: the `for_user()` querysets in reviews/, actions/
and assurance/ scope themselves with it. What a role may *do* with an object is decided
in reviews/permissions.py.
"""

BUSINESS_MANAGER = "Business manager"
SUBGROUP_CHAIR = "Subgroup chair"
AGENCY_LEAD = "Agency lead"
ALL_ROLES = (BUSINESS_MANAGER, SUBGROUP_CHAIR, AGENCY_LEAD)

_CACHE_ATTR = "_lscb_roles"


def role_names(user) -> frozenset[str]:
    """The user's role names, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def is_manager(user) -> bool:
    return BUSINESS_MANAGER in role_names(user)


def is_chair(user) -> bool:
    return SUBGROUP_CHAIR in role_names(user)


def is_agency_lead(user) -> bool:
    return AGENCY_LEAD in role_names(user)


def sees_whole_board(user) -> bool:
    """Managers and chairs see every agency; everyone else is scoped."""
    return is_manager(user) or is_chair(user)


def lead_agency_ids(user) -> frozenset[int]:
    """The agencies this user leads, when they hold the Agency lead role; cached per request."""
    if not is_agency_lead(user):
        return frozenset()
    cached = getattr(user, "_lscb_agency_ids", None)
    if cached is None:
        cached = frozenset(user.led_agencies.values_list("pk", flat=True))
        user._lscb_agency_ids = cached
    return cached


def forget(user) -> None:
    """Drop the cached roles, after changing a user's groups or agencies."""
    for attr in (_CACHE_ATTR, "_lscb_agency_ids"):
        if hasattr(user, attr):
            delattr(user, attr)
