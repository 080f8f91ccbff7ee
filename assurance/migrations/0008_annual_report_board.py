"""An annual report pack is of one board (DESIGN.md §11): the packs asked for before were of the first board,
the only one the pack could then show."""

import django.db.models.deletion
from django.db import migrations, models


def to_first_board(apps, schema_editor):
    reports = apps.get_model("assurance", "AnnualReport").objects.filter(board__isnull=True)
    board = apps.get_model("reviews", "Board").objects.order_by("pk").first()
    if board is None:
        reports.delete()  # no board, so no record a pack could have shown
    else:
        reports.update(board=board)
    if schema_editor.connection.vendor == "postgresql":  # so the ALTER TABLE that follows is not refused
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("assurance", "0007_papers_imported_judgements"), ("reviews", "0004_first_board")]

    operations = [
        migrations.AddField(
            model_name="annualreport",
            name="board",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="annual_reports",
                to="reviews.board",
            ),
        ),
        migrations.RunPython(to_first_board, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="annualreport",
            name="board",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="annual_reports", to="reviews.board"
            ),
        ),
    ]
