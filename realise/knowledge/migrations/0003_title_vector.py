"""PostgreSQL only: a small tsvector of the title alone, used to shortlist matches cheaply
before ranking them when a query matches very many entries; and a low TOAST target, so
that long bodies and vectors are stored beside the table and a scan of the matching rows
reads narrow rows. Nothing on SQLite."""

from django.db import migrations

FORWARD = [
    """
    ALTER TABLE knowledge_searchentry ADD COLUMN title_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('english'::regconfig, coalesce(title, ''))) STORED
    """,
    "ALTER TABLE knowledge_searchentry SET (toast_tuple_target = 256)",
]
BACKWARD = [
    "ALTER TABLE knowledge_searchentry RESET (toast_tuple_target)",
    "ALTER TABLE knowledge_searchentry DROP COLUMN IF EXISTS title_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index")]

    operations = [migrations.RunPython(forward, backward)]
