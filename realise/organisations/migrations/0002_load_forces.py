from django.db import migrations
from django.utils.text import slugify

from realise.organisations.forces import REGIONS


def load(apps, schema_editor):
    Region = apps.get_model("organisations", "Region")
    Force = apps.get_model("organisations", "Force")
    for region_name, forces in REGIONS.items():
        region, _ = Region.objects.get_or_create(
            slug=slugify(region_name), defaults={"name": region_name}
        )
        for code, name, title in forces:
            Force.objects.update_or_create(
                ons_code=code,
                defaults={"name": name, "slug": slugify(name), "region": region, "commissioner_title": title},
            )


def unload(apps, schema_editor):
    codes = [code for forces in REGIONS.values() for code, _, _ in forces]
    apps.get_model("organisations", "Force").objects.filter(ons_code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
