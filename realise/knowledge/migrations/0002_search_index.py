"""The database's own full-text index over knowledge_searchentry.

PostgreSQL: a stored generated tsvector column (title weight A, body weight B) with a GIN
index. SQLite: an FTS5 table over the same rows, kept in step by triggers. Each half does
nothing on the other database.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    ALTER TABLE knowledge_searchentry ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX knowledge_searchentry_vector ON knowledge_searchentry USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_searchentry_vector",
    "ALTER TABLE knowledge_searchentry DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_searchentry_fts USING fts5(
        title, body,
        content='knowledge_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS knowledge_searchentry_fts_insert
    AFTER INSERT ON knowledge_searchentry BEGIN
        INSERT INTO knowledge_searchentry_fts(rowid, title, body)
        VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS knowledge_searchentry_fts_delete
    AFTER DELETE ON knowledge_searchentry BEGIN
        INSERT INTO knowledge_searchentry_fts(knowledge_searchentry_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS knowledge_searchentry_fts_update
    AFTER UPDATE ON knowledge_searchentry BEGIN
        INSERT INTO knowledge_searchentry_fts(knowledge_searchentry_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO knowledge_searchentry_fts(rowid, title, body)
        VALUES (new.id, new.title, new.body);
    END
    """,
    "INSERT INTO knowledge_searchentry_fts(knowledge_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_searchentry_fts_insert",
    "DROP TRIGGER IF EXISTS knowledge_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_searchentry_fts_update",
    "DROP TABLE IF EXISTS knowledge_searchentry_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
