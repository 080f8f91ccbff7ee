"""Action.review: a copy of the recommendation's review, for counting one review's actions from an index.

Added empty and filled here; 0003 makes it required (separately: PostgreSQL will not alter a table
with the updates' deferred foreign-key checks still pending in the same transaction).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_reviews(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    Recommendation = apps.get_model("reviews", "Recommendation")
    review = Recommendation.objects.filter(pk=OuterRef("recommendation_id")).values("review_id")[:1]
    Action.objects.update(review_id=Subquery(review))


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0001_initial"),
        ("reviews", "0002_review_commissioned_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="review",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reviews.review",
            ),
        ),
        migrations.RunPython(copy_reviews, migrations.RunPython.noop),
    ]
