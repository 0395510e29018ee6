"""The topics of policing collaboration work people lead in the directory and networks."""

from django.db import migrations

TOPICS = [
    ("Procurement", "procurement"),
    ("Vetting", "vetting"),
    ("Digital evidence", "digital-evidence"),
    ("Training", "training"),
    ("Forensics", "forensics"),
    ("Fleet", "fleet"),
    ("Estates", "estates"),
    ("HR", "hr"),
    ("IT", "it"),
    ("Finance", "finance"),
    ("Custody", "custody"),
    ("Firearms", "firearms"),
]


def load(apps, schema_editor):
    topic_model = apps.get_model("organisations", "Topic")
    for name, slug in TOPICS:
        topic_model.objects.get_or_create(slug=slug, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("organisations", "Topic").objects.filter(
        slug__in=[slug for _, slug in TOPICS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0006_network_of_people")]

    operations = [migrations.RunPython(load, unload)]
