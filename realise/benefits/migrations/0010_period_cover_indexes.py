from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0009_field_labels_in_welsh"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="measurement",
            index=models.Index(
                condition=models.Q(("value__isnull", False)),
                fields=["period", "benefit", "value"],
                name="measurement_period_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="plannedvalue",
            index=models.Index(
                fields=["period", "benefit", "value"], name="plannedvalue_period_cover"
            ),
        ),
    ]
