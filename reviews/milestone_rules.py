"""The statutory clocks' default milestone rules (DESIGN.md §10), seeded once: by the migration that makes the
table, and again after a flush empties it (the post_migrate signal; tests that flush the database need it).
An administrator edits them in the admin afterwards; a board with rules of its own is left alone.
"""

# DESIGN.md §10's defaults: (key, name, counts from, from milestone, amount, unit, done in, source).
LOCAL_TARGETS = [
    ("action_plan", "Action plan agreed", "", None, 0, "working_days", "", "The board's local target"),
    ("impact", "Impact evaluated", "", None, 0, "working_days", "", "The board's local target"),
]
PUBLISHED = ("published", "Published (and kept online)", "", None, 0, "working_days", "published_on", "")
WT = "Working Together to Safeguard Children 2023, chapter 5"
HOME_OFFICE = "Home Office statutory guidance for domestic homicide reviews"
DEFAULT_RULES = {
    "rapid": [
        (
            "notify_panel",
            "Notify the national Panel (through Ofsted's form)",
            "aware_on",
            None,
            5,
            "working_days",
            "panel_notified_on",
            WT,
        ),
        (
            "rapid_review",
            "Rapid review sent to the Panel, with the decision",
            "aware_on",
            None,
            15,
            "working_days",
            "decision_on",
            WT,
        ),
    ],
    "cspr": [
        (
            "commissioned",
            "Commissioned",
            "",
            None,
            0,
            "working_days",
            "commissioned_on",
            "Linked to the rapid review it came from",
        ),
        (
            "final_report",
            "Final report completed",
            "decision_on",
            None,
            6,
            "months",
            "signed_off_on",
            "Working Together 2018 and 2023",
        ),
        (
            "sent_to_panel",
            "Report sent to the Panel and the Secretary of State",
            "milestone",
            "published",
            -7,
            "working_days",
            "sent_to_panel_on",
            "Working Together; Child Safeguarding Practice Review and Relevant Agency (England) Regulations 2018",
        ),
        PUBLISHED,
        *LOCAL_TARGETS,
    ],
    "scr": [PUBLISHED, *LOCAL_TARGETS],
    "sar": [
        (
            "referral_decision",
            "Decision on the referral",
            "aware_on",
            None,
            1,
            "months",
            "decision_on",
            "Care Act 2014 s44; SCIE quality markers (the board's local target)",
        ),
        (
            "report",
            "Report completed",
            "decision_on",
            None,
            6,
            "months",
            "signed_off_on",
            "No statutory timescale: the board's local target",
        ),
        PUBLISHED,
        *LOCAL_TARGETS,
    ],
    "dhr": [
        ("decision", "Decision whether to hold a review", "aware_on", None, 1, "months", "decision_on", HOME_OFFICE),
        (
            "overview_report",
            "Overview report completed",
            "decision_on",
            None,
            6,
            "months",
            "signed_off_on",
            HOME_OFFICE,
        ),
        PUBLISHED,
        *LOCAL_TARGETS,
    ],
    "pfd": [
        (
            "response",
            "Response sent to the coroner",
            "pfd_report_on",
            None,
            56,
            "calendar_days",
            "",
            "Coroners (Investigations) Regulations 2013, regulation 29 (or the extension the coroner agrees)",
        ),
        *LOCAL_TARGETS,
    ],
    "learning": LOCAL_TARGETS,
    "audit": LOCAL_TARGETS,
    "section11": LOCAL_TARGETS,
    "other": LOCAL_TARGETS,
}


def seed_default_rules(MilestoneRule) -> None:
    """Create the default rules, unless the board already has some (an administrator's edits are kept)."""
    if MilestoneRule.objects.exists():
        return
    for kind, rules in DEFAULT_RULES.items():
        made = {}
        for order, (key, name, counts_from, _base, amount, unit, done_field, source) in enumerate(rules, 1):
            made[key] = MilestoneRule.objects.create(
                kind=kind,
                key=key,
                name=name,
                order=order,
                counts_from=counts_from,
                amount=amount,
                unit=unit,
                done_field=done_field,
                source=source,
            )
        for key, _name, _counts, base, *_ in rules:
            if base:
                made[key].from_milestone = made[base]
                made[key].save(update_fields=["from_milestone"])
