"""The template the test databases are copied from is made again when what a migration
writes could have changed (tests/template_databases.py)."""

from pathlib import Path

from django.db import connection

from tests import template_databases

ROOT = Path(template_databases.__file__).resolve().parents[1]


def test_the_fingerprint_covers_the_realise_modules_a_migration_imports():
    migration = ROOT / "realise" / "organisations" / "migrations" / "0002_load_forces.py"
    found = template_databases._imported_sources(migration)
    assert ROOT / "realise" / "organisations" / "forces.py" in found
    assert all(path.is_relative_to(ROOT / "realise") for path in found)


def test_the_fingerprint_changes_with_a_migration(monkeypatch, tmp_path):
    before = template_databases.fingerprint()
    assert before == template_databases.fingerprint()
    copy = tmp_path / "realise" / "organisations" / "migrations"
    copy.mkdir(parents=True)
    for path in (ROOT / "realise" / "organisations" / "migrations").glob("*.py"):
        (copy / path.name).write_text(path.read_text())
    monkeypatch.setattr(template_databases, "ROOT", tmp_path)
    only_these = template_databases.fingerprint()
    (copy / "0002_load_forces.py").write_text(
        (copy / "0002_load_forces.py").read_text() + "\n# changed\n"
    )
    assert template_databases.fingerprint() != only_these


def test_the_test_database_is_a_migrated_copy(db):
    """Nothing is left to migrate in the copy, and the 43 forces its migration loads are in it."""
    from django.db.migrations.executor import MigrationExecutor

    from realise.organisations.models import Force

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert Force.objects.count() == 43
