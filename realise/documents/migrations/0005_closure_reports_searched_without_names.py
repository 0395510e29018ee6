"""Closure reports stored before their search text came from the copy that names no one:
what search holds of their first version (the file produced at closure, naming the SRO,
whoever closed it and the owners in business as usual) is dropped, so that no search
extract names them. They are still found by their title and description, and a version
uploaded later is searched as it was uploaded."""

from django.db import migrations
from django.db.models import Max


def forget_named_text(apps, schema_editor):
    closure_record = apps.get_model("documents", "ClosureRecord")
    version = apps.get_model("knowledge", "DocumentVersion")
    document = apps.get_model("knowledge", "Document")
    entry = apps.get_model("knowledge", "SearchEntry")
    reports = closure_record.objects.filter(document__isnull=False).values("document_id")
    version.objects.filter(document_id__in=reports, number=1).update(extracted_text="")
    first_only = (
        document.objects.filter(pk__in=reports)
        .annotate(last=Max("versions__number"))
        .filter(last=1)
    )
    for report in first_only:
        entry.objects.filter(kind="document", object_id=report.pk).update(
            body=(report.description or "").strip()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_build_heartbeat"),
        ("knowledge", "0005_field_labels_in_welsh"),
    ]

    operations = [migrations.RunPython(forget_named_text, migrations.RunPython.noop)]
