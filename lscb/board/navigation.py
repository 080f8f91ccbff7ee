"""The service navigation, built per request so each role sees only the pages it can use."""

from django.urls import reverse

from lscb.platform.permissions import may


def navigation(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    match = request.resolver_match
    here = match.view_name if match else ""
    return {
        "navigation": [
            {"href": reverse(name), "label": label, "current": any(here.startswith(p) for p in prefixes)}
            for name, label, prefixes in _items(user)
        ]
    }


def _items(user) -> list[tuple[str, str, tuple[str, ...]]]:
    """(URL name, label, view-name prefixes that mark it current)."""
    items = [("board:dashboard", "Dashboard", ("board:dashboard",))]
    if may(user, "assurance.see_lead_home"):
        items.append(("assurance:lead-home", "Your agency's actions", ("assurance:lead-home",)))
    if may(user, "board.view"):
        items += [
            (
                "board:reviews",
                "Reviews",
                ("reviews:create", "reviews:edit", "reviews:recommendation", "board:review", "board:recommendation")
                + ("board:plan-import", "board:milestones"),
            ),
            (
                "actions:list",
                "Actions",
                ("actions:", "board:action-history", "assurance:evidence", "assurance:judgement"),
            ),
            ("assurance:requests", "Assurance requests", ("assurance:request",)),
            ("assurance:challenges", "Challenge events", ("assurance:challenge",)),
            ("reviews:learning-list", "Learning", ("reviews:learning",)),
        ]
    if may(user, "assurance.see_meetings"):
        items.append(("assurance:subgroups", "Meetings", ("assurance:subgroup", "assurance:meeting", "board:meeting")))
    if may(user, "board.annual_report"):
        items.append(("assurance:annual-report", "Annual report", ("assurance:annual-report",)))
    if may(user, "board.see_audit"):
        items.append(("board:audit", "Change log", ("board:audit",)))
    if may(user, "board.see_security_log"):
        items.append(("board:security-log", "Security log", ("board:security-log",)))
    if may(user, "board.manage_tasks"):
        items.append(("board:failed-tasks", "Failed tasks", ("board:failed-tasks", "board:task-retry")))
    return items
