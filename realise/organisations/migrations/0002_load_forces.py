from django.db import migrations

from realise.organisations.forces import REGIONS, load_forces


def load(apps, schema_editor):
    load_forces(apps.get_model("organisations", "Region"), apps.get_model("organisations", "Force"))


def unload(apps, schema_editor):
    codes = [code for forces in REGIONS.values() for code, _, _ in forces]
    apps.get_model("organisations", "Force").objects.filter(ons_code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
