"""The forces are loaded by a data migration, which writes no history: record them in the
audit trail as created, so that `realise audit verify --data` accounts for every row."""

from django.db import migrations

from realise.core.audit import audit_loaded_rows


def record(apps, schema_editor):
    audit_loaded_rows(apps, "organisations.Force", using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_load_forces"), ("core", "0001_initial")]
    operations = [migrations.RunPython(record, migrations.RunPython.noop)]
