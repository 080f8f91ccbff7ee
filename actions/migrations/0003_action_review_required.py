"""Every action has its review (filled in 0002)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("actions", "0002_action_review")]

    operations = [
        migrations.AlterField(
            model_name="action",
            name="review",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reviews.review",
            ),
        ),
    ]
