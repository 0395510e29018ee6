from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_user_preference"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(fields=["model", "sequence"], name="auditrecord_model_sequence"),
        ),
    ]
