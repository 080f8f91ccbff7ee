"""Upgrade a one-board deployment: its data and roles become the first board's (README "Boards").

The board is named from LSCB_BOARD_NAME and marked with LSCB_PROTECTIVE_MARKING, as the single board
was until now. Every review becomes its review; every agency one of its partners; each member of the
three role groups becomes a member of it in that role, and an agency lead's agencies (Agency.leads)
the agencies they lead there. The groups are then deleted, so that nobody mistakes them for roles
(Agency.leads goes in the next migration). A fresh database gets the board too: the deployment's
first board, to rename in the admin.
"""

from django.conf import settings
from django.db import migrations
from django.utils.text import slugify

GROUP_ROLES = {"Business manager": "manager", "Subgroup chair": "chair", "Agency lead": "lead"}


def first_board(apps, schema_editor):
    Board = apps.get_model("reviews", "Board")
    Review = apps.get_model("reviews", "Review")
    Agency = apps.get_model("reviews", "Agency")
    Membership = apps.get_model("reviews", "Membership")
    Group = apps.get_model("auth", "Group")
    if Board.objects.exists():
        return
    board = Board.objects.create(
        name=settings.BOARD_NAME,
        short_name="",
        slug=slugify(settings.BOARD_NAME)[:50] or "board",
        protective_marking=settings.PROTECTIVE_MARKING,
    )
    Review.objects.update(board=board)
    board.agencies.set(Agency.objects.all())
    for group in Group.objects.filter(name__in=GROUP_ROLES).prefetch_related("user_set"):
        role = GROUP_ROLES[group.name]
        for user in group.user_set.all():
            membership = Membership.objects.create(user=user, board=board, role=role)
            if role == "lead":
                membership.agencies.set(Agency.objects.filter(leads=user))
    Group.objects.filter(name__in=GROUP_ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_boards"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(first_board, migrations.RunPython.noop)]
