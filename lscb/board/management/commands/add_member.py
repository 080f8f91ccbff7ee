"""python manage.py add_member USERNAME --board SLUG --role manager|chair|lead|scrutineer [--agency NAME ...]

Gives a person a role on a board, for scripts (README "Boards"). Creates nothing but the membership
(an agency lead's agencies are added to those they already lead there). Exit status 1, with a
message naming what is wrong, for an unknown user, board, role or agency; nothing is changed then.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews import roles
from reviews.models import Agency, Board, Membership


class Command(BaseCommand):
    help = "Give a person a role on a board: business manager, subgroup chair, agency lead or independent scrutineer."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--board", required=True, metavar="SLUG")
        parser.add_argument("--role", required=True, metavar="ROLE", help="manager, chair, lead or scrutineer.")
        parser.add_argument(
            "--agency", action="append", default=[], metavar="NAME", help="For a lead: an agency they lead (repeat)."
        )

    def handle(self, *args, username, board, role, agency, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f'There is no user "{username}". Create the account first (Django admin).')
        found = Board.objects.filter(slug=board).first()
        if found is None:
            known = ", ".join(Board.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f'There is no board "{board}". The boards are: {known}.')
        if role not in roles.ROLE_LABELS:
            raise CommandError(f'There is no role "{role}". Choose one of: {", ".join(roles.ROLE_LABELS)}.')
        agencies = self.agencies(agency, role)
        with transaction.atomic():
            membership, created = Membership.objects.get_or_create(user=user, board=found, role=role)
            membership.agencies.add(*agencies)
        label = roles.ROLE_LABELS[role]
        led = f" for {', '.join(a.name for a in agencies)}" if agencies else ""
        verb = "is now" if created else "was already"
        self.stdout.write(self.style.SUCCESS(f"{user.username} {verb} {label} on {found.name}{led}."))

    def agencies(self, names: list[str], role: str) -> list[Agency]:
        if names and role != roles.LEAD:
            raise CommandError("Only an agency lead's membership names agencies: drop --agency, or use --role lead.")
        if role == roles.LEAD and not names:
            raise CommandError("An agency lead leads at least one agency: give --agency NAME.")
        found = {agency.name: agency for agency in Agency.objects.filter(name__in=names)}
        unknown = [name for name in names if name not in found]
        if unknown:
            raise CommandError(f"There is no agency named {', '.join(repr(n) for n in unknown)}.")
        return [found[name] for name in names]
