"""Build a fictional demo board. Safe to run again: it only adds what is missing.

Every name, review and event here is invented. Never load real case data
into a demo.
"""

import datetime
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from actions.choices import ActionStatus, AssuranceLevel
from actions.models import Action
from lscb.board.demo import assurance as demo_assurance
from lscb.board.demo import clocks as demo_clocks
from lscb.board.demo import impact as demo_impact
from lscb.board.demo import meetings as demo_meetings
from lscb.board.plan_import.service import import_plan
from reviews import roles
from reviews.models import Agency, Board, Membership, Recommendation, Review, Theme

DEMO_PASSWORD = "demo-password-2026"
# Child A's plan is loaded the way a board would load its own: through the plan import.
CHILD_A_PLAN = Path(__file__).resolve().parents[2] / "demo" / "child-a-plan.csv"

AGENCIES = [
    ("Children's Social Care", "CSC", Agency.Sector.SOCIAL_CARE),
    ("Northbridge Hospitals NHS Trust", "NHT", Agency.Sector.HEALTH),
    ("Northbridge Police", "Police", Agency.Sector.POLICE),
    ("Education", "Education", Agency.Sector.EDUCATION),
    ("GP Services", "GPs", Agency.Sector.HEALTH),
    ("Adult Mental Health Services", "AMHS", Agency.Sector.HEALTH),
    ("Probation", "Probation", Agency.Sector.PROBATION),
    ("Safeguarding Partnership", "Partnership", Agency.Sector.PARTNERSHIP),
    ("Cafcass", "Cafcass", Agency.Sector.LEGAL),
    ("Integrated Care Board", "ICB", Agency.Sector.HEALTH),
    ("Community Health Services", "CHS", Agency.Sector.HEALTH),
    ("Legal Services", "Legal", Agency.Sector.LEGAL),
]

THEMES = [
    "Information sharing",
    "Record keeping",
    "Domestic abuse and routine enquiry",
    "Missed appointments / was not brought",
    "Supervision",
    "Escalation of concerns",
    "Parental mental ill-health, domestic abuse and substance misuse",
    "Role of fathers and significant males",
    "Voice of the child",
]

# The two boards one business unit supports; they share most agencies (DESIGN.md §9).
CHILDREN, ADULTS = "children", "adults"
BOARDS = {
    CHILDREN: ("Northbridge Safeguarding Children Partnership", "NSCP", "nscp", Board.Kind.CHILDREN),
    ADULTS: ("Northbridge Safeguarding Adults Board", "NSAB", "nsab", Board.Kind.ADULTS),
}
CONTACT = "Business Unit, Northbridge Civic Centre, Northbridge NB1 1AA (fictional)"
NOT_PARTNERS = {CHILDREN: {"Adult Mental Health Services"}, ADULTS: {"Cafcass", "Education"}}

USERS = [
    # username, first, last, [(board, role, agencies led there)]
    ("manager", "Morgan", "Hale", [(CHILDREN, roles.MANAGER, []), (ADULTS, roles.CHAIR, [])]),
    ("chair", "Priya", "Anand", [(CHILDREN, roles.CHAIR, [])]),
    ("lead.csc", "Sam", "Okafor", [(CHILDREN, roles.LEAD, ["Children's Social Care"])]),
    (
        "lead.police",
        "Jo",
        "Brennan",
        [(CHILDREN, roles.LEAD, ["Northbridge Police"]), (ADULTS, roles.LEAD, ["Northbridge Police"])],
    ),
    ("sab.manager", "Alex", "Reid", [(ADULTS, roles.MANAGER, [])]),
    ("lead.nht.adults", "Chris", "Lowe", [(ADULTS, roles.LEAD, ["Northbridge Hospitals NHS Trust"])]),
    ("scrutineer", "Dana", "Fox", [(CHILDREN, roles.SCRUTINEER, [])]),
]

REVIEWS = [
    # slug, kind, reference, subject, title, status, commissioned (days ago)
    (
        "child-b",
        Review.Kind.CSPR,
        "CSPR 2024/02",
        "Child B",
        "Child B: child safeguarding practice review",
        Review.Status.PLAN_OPEN,
        700,
    ),
    ("family-c", Review.Kind.RAPID, "RR 2025/04", "Family C", "Family C: rapid review", Review.Status.PUBLISHED, 300),
]
# The adults board's reviews: a SAR, and a joint review that the children's partnership also owns.
ADULT_REVIEWS = [
    (
        "adult-d",
        Review.Kind.SAR,
        "SAR 2025/01",
        "Adult D",
        "Adult D: safeguarding adult review",
        Review.Status.PLAN_OPEN,
        400,
    ),
    (
        "family-e",
        Review.Kind.SAR,
        "SAR 2025/03",
        "Family E",
        "Family E: joint safeguarding adult review and practice review",
        Review.Status.PLAN_OPEN,
        250,
    ),
]
JOINT = {"family-e": [CHILDREN]}

RECOMMENDATION_TEXTS = [
    "should make sure that practitioners hear and record the child's own views at every contact.",
    "should audit how often referrals are shared with partner agencies within 24 hours.",
    "should train staff to ask about domestic abuse when there are signs of injury.",
    "should follow up children who are not brought to appointments.",
    "should give practitioners regular reflective supervision on complex cases.",
    "should remind staff how to escalate concerns when they disagree with a decision.",
    "should record the details of every adult living in the household, including new partners.",
]


ACTION_VERBS = ["review the policy", "train staff", "audit case files", "brief managers"]


# Who leads an action, by the kind of agency: a police action is not led by a named nurse.
LEAD_OFFICERS = {
    Agency.Sector.HEALTH: ["Named Nurse for Safeguarding", "Designated Doctor", "Head of Safeguarding"],
    Agency.Sector.POLICE: ["Detective Inspector, Public Protection", "Head of Safeguarding"],
    Agency.Sector.SOCIAL_CARE: ["Service Manager", "Principal Social Worker"],
    Agency.Sector.EDUCATION: ["Designated Safeguarding Lead", "Education Safeguarding Lead"],
    Agency.Sector.PROBATION: ["Senior Probation Officer", "Head of Public Protection"],
    Agency.Sector.PARTNERSHIP: ["Board Business Manager", "Learning and Development Lead"],
    Agency.Sector.LEGAL: ["Head of Legal Services", "Service Manager"],
    None: ["Head of Safeguarding", "Service Manager"],
}

# The assurance the board could plausibly hold at each status, so the demo never shows an action not started yet
# "Assured", or one embedded (impact evidenced) with no assurance at all.
PLAUSIBLE_ASSURANCE = {
    ActionStatus.NOT_STARTED: [AssuranceLevel.AWAITING, AssuranceLevel.NO_RESPONSE, AssuranceLevel.NOT_ASSURED],
    ActionStatus.IN_PROGRESS: [AssuranceLevel.AWAITING, AssuranceLevel.PARTIAL, AssuranceLevel.NO_RESPONSE],
    ActionStatus.ON_HOLD: [AssuranceLevel.AWAITING, AssuranceLevel.NOT_ASSURED, AssuranceLevel.NO_RESPONSE],
    ActionStatus.COMPLETED: [AssuranceLevel.AWAITING, AssuranceLevel.PARTIAL, AssuranceLevel.NO_RESPONSE],
    ActionStatus.EVIDENCED: [AssuranceLevel.ASSURED, AssuranceLevel.PARTIAL],
    ActionStatus.EMBEDDED: [AssuranceLevel.ASSURED],
    # Assured here means the board accepted the reasons (Child A's plan has both).
    ActionStatus.NOT_ACCEPTED: [AssuranceLevel.ASSURED, AssuranceLevel.NOT_ASSURED, AssuranceLevel.NO_RESPONSE],
    ActionStatus.SUPERSEDED: [AssuranceLevel.ASSURED, AssuranceLevel.AWAITING, AssuranceLevel.NO_RESPONSE],
}


class Command(BaseCommand):
    help = "Create a fictional demo board with reviews, actions and one user for each role."

    def handle(self, *args, **options):
        with transaction.atomic():
            admin = self.ensure_admin()
            agencies = self.ensure_agencies(admin)
            boards = self.ensure_boards(agencies, admin)
            themes = self.ensure_themes(admin)
            users = self.ensure_users(agencies, boards)
            for spec in REVIEWS:
                self.ensure_review(spec, boards[CHILDREN], agencies, themes, admin)
            for spec in ADULT_REVIEWS:
                self.ensure_review(spec, boards[ADULTS], agencies, themes, admin)
            self.ensure_child_a(boards[CHILDREN], admin)
            demo_clocks.ensure_clocks(boards[CHILDREN], admin)
            demo_meetings.ensure_meetings(boards[CHILDREN], admin)
            demo_assurance.ensure_assurance(boards[CHILDREN], admin)
        self.print_sign_ins(users)

    def ensure_boards(self, agencies, admin) -> dict[str, Board]:
        """The children's partnership is the deployment's first board (made by the migrations), renamed
        for the demo; the adults board is made beside it."""
        boards = {}
        for key, (name, short, slug, kind) in BOARDS.items():
            board = Board.objects.filter(slug=slug).first()
            if board is None and key == CHILDREN:
                board = Board.objects.order_by("pk").first()
            board = board or Board()
            wanted = {"name": name, "short_name": short, "slug": slug, "kind": kind, "contact_details": CONTACT}
            if board.pk is None or any(getattr(board, field) != value for field, value in wanted.items()):
                for field, value in wanted.items():
                    setattr(board, field, value)
                board._history_user = admin
                board.save()
                board.agencies.set([agency for named, agency in agencies.items() if named not in NOT_PARTNERS[key]])
            boards[key] = board
        return boards

    def ensure_admin(self):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"is_staff": True, "is_superuser": True, "first_name": "Demo", "last_name": "Administrator"},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        return admin

    def ensure_agencies(self, admin) -> dict[str, Agency]:
        agencies = {}
        for name, short, sector in AGENCIES:
            agency = Agency.objects.filter(name=name).first()
            if agency is None:
                agency = Agency(name=name, short_name=short, sector=sector)
                agency._history_user = admin
                agency.save()
            agencies[name] = agency
        return agencies

    def ensure_themes(self, admin) -> list[Theme]:
        themes = []
        for name in THEMES:
            theme = Theme.objects.filter(name=name).first()
            if theme is None:
                theme = Theme(name=name)
                theme._history_user = admin
                theme.save()
            themes.append(theme)
        return themes

    def ensure_users(self, agencies, boards):
        User = get_user_model()
        users = []
        for username, first, last, seats in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            for board_key, role, led in seats:
                membership, created = Membership.objects.get_or_create(user=user, board=boards[board_key], role=role)
                if created:
                    membership.agencies.add(*(agencies[name] for name in led))
            users.append((user, [(boards[key], role, led) for key, role, led in seats]))
        return users

    def ensure_child_a(self, board, admin):
        review = Review.objects.filter(slug="child-a").first()
        if review is None:
            today = timezone.localdate()
            review = Review(
                board=board,
                slug="child-a",
                kind=Review.Kind.SCR,
                reference="SCR 2025/01",
                subject="Child A",
                title="Child A: serious case review",
                status=Review.Status.PLAN_OPEN,
                author="Independent reviewer (fictional)",
                subgroup="Case Review Subgroup",
                commissioned_on=today - datetime.timedelta(days=540),
                published_on=today - datetime.timedelta(days=300),
                summary="A fictional review used to demonstrate the tracker. Child A is a pseudonym.",
            )
            review._history_user = admin
            review.save()
        if not review.recommendations.exists():
            import_plan(review, CHILD_A_PLAN.read_bytes(), CHILD_A_PLAN.name, admin)
        demo_impact.ensure_impact(review, admin)
        demo_impact.ensure_learning(review, admin)

    def ensure_review(self, spec, board, agencies, themes, admin):
        slug, kind, reference, subject, title, status, days_ago = spec
        if Review.objects.filter(slug=slug).exists():
            return
        today = timezone.localdate()
        review = Review(
            board=board,
            slug=slug,
            kind=kind,
            reference=reference,
            subject=subject,
            title=title,
            status=status,
            author="Independent reviewer (fictional)",
            subgroup="Case Review Subgroup",
            commissioned_on=today - datetime.timedelta(days=days_ago),
            published_on=today - datetime.timedelta(days=days_ago - 180) if days_ago > 180 else None,
            summary=f"A fictional review used to demonstrate the tracker. {subject} is a pseudonym.",
        )
        review._history_user = admin
        review.save()
        review.partner_boards.set(Board.objects.filter(slug__in=[BOARDS[key][2] for key in JOINT.get(slug, [])]))
        rng = random.Random(slug)
        names = list(agencies)
        statuses = list(ActionStatus)
        for section in range(1, 7):
            agency = agencies[names[(section * 3 + len(slug)) % len(names)]]
            for item in range(1, rng.randint(2, 4)):
                self.add_recommendation(review, agency, f"{section}.{item}", rng, themes, statuses, admin)

    def add_recommendation(self, review, agency, number, rng, themes, statuses, admin):
        text = f"{agency.name} {rng.choice(RECOMMENDATION_TEXTS)}"
        rec = Recommendation(review=review, agency=agency, number=number, text=text)
        rec._history_user = admin
        rec.save()
        rec.themes.set(rng.sample(themes, rng.randint(1, 2)))
        today = timezone.localdate()
        for _ in range(rng.randint(1, 3)):
            status = rng.choice(statuses)
            due = today + datetime.timedelta(days=rng.choice([-120, -40, -5, 10, 25, 60, 150, 240]))
            action = Action(
                recommendation=rec,
                description=f"Put recommendation {number} into practice: {rng.choice(ACTION_VERBS)}.",
                lead_officer=rng.choice(LEAD_OFFICERS.get(agency.sector, LEAD_OFFICERS[None])),
                due_date=due,
                status=status,
                status_reason="Waiting for a system change."
                if status in (ActionStatus.ON_HOLD, ActionStatus.NOT_ACCEPTED)
                else "",
                completed_on=due
                if status in (ActionStatus.COMPLETED, ActionStatus.EVIDENCED, ActionStatus.EMBEDDED)
                else None,
                progress="Work under way; update given to the subgroup." if status != ActionStatus.NOT_STARTED else "",
                assurance_level=rng.choice(PLAUSIBLE_ASSURANCE[status]),
            )
            action._history_user = admin
            action.save()
            if status == ActionStatus.EMBEDDED:
                demo_impact.evaluate_embedded(action, admin)

    def print_sign_ins(self, users):
        self.stdout.write(
            self.style.SUCCESS(f"Demo board ready. Fictional sign-ins (password for all: {DEMO_PASSWORD}):")
        )
        self.stdout.write(f"  {'admin':<14} Administrator (Django admin at /admin/)")
        for user, seats in users:
            described = "; ".join(
                f"{roles.ROLE_LABELS[role]}{' for ' + ', '.join(led) if led else ''}, {board.short_name}"
                for board, role, led in seats
            )
            self.stdout.write(f"  {user.username:<16} {described}")
