"""Requests and challenge events belong to a board now: until now there was one, the first board."""

from django.db import migrations


def to_first_board(apps, schema_editor):
    board = apps.get_model("reviews", "Board").objects.order_by("pk").first()
    if board is None:
        return
    for name in ("AssuranceRequest", "ChallengeEvent"):
        apps.get_model("assurance", name).objects.filter(board__isnull=True).update(board=board)


class Migration(migrations.Migration):
    dependencies = [("assurance", "0003_boards"), ("reviews", "0004_first_board")]

    operations = [migrations.RunPython(to_first_board, migrations.RunPython.noop)]
