"""Test databases copied from a migrated template rather than migrated from nothing.

Migrating an empty database takes about 20 seconds, nearly all of it Django working out the
models' state after each operation. Every test process (each pytest-xdist worker) and the
scale test need a migrated database, so each copies a template instead:

* PostgreSQL: a database `realise_template_<fingerprint>` on the same server, copied with
  `CREATE DATABASE ... TEMPLATE` (Django's `TEST["TEMPLATE"]` setting);
* SQLite: a file `var/test-templates/<fingerprint>.sqlite3`, copied into the in-memory test
  database with SQLite's backup.

A template is named after a fingerprint of everything migrating depends on (`fingerprint`),
kept between runs, and made again when that changes; only one process makes it, the others
wait for it. The SQLite template of older migrations is removed then; PostgreSQL templates of
other migrations are left for other checkouts (drop old `realise_template_*` databases when
you like). After the copy `migrate` runs as usual: it finds nothing left to apply, and the
post_migrate handlers run as after any migration.

    .venv/bin/python -m tests.template_databases [DATABASE_URL ...]

makes the templates for those databases ahead of the tests (CI does it beside the lint).
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SQLITE_TEMPLATES = ROOT / "var" / "test-templates"
POSTGRES_PREFIX = "realise_template_"


def _imported_sources(migration: Path) -> list[Path]:
    """The source files of Realise's own modules that a migration imports (their code, a
    list of forces say, is part of what it writes)."""
    names = []
    for node in ast.walk(ast.parse(migration.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    found = []
    for name in names:
        if not name.startswith("realise."):
            continue
        base = ROOT.joinpath(*name.split("."))
        found += [p for p in (base.with_suffix(".py"), base / "__init__.py") if p.exists()]
    return found


def fingerprint() -> str:
    """Changes with any of Realise's migration files, the modules of Realise they import, or
    any installed package's version (the other apps' migrations come with their packages)."""
    from importlib.metadata import distributions

    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())
    digest = hashlib.sha256("\n".join(packages).encode())
    migrations = sorted(ROOT.glob("realise/*/migrations/*.py"))
    sources = sorted({p for m in migrations for p in _imported_sources(m)} | set(migrations))
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def migrate(database_url: str) -> None:
    """`manage.py migrate` on `database_url`, in a process of its own with the development
    settings (what the tests set does not change what a migration writes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REALISE_", "GUNICORN_"))}
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrate failed on {database_url}:\n{done.stdout}\n{done.stderr}")


# PostgreSQL -----------------------------------------------------------------------------------


def admin_url(database_url: str) -> str:
    """The `postgres` database of the server of `database_url`, for CREATE and DROP."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres", query=""))


@contextlib.contextmanager
def postgres_template(database_url: str) -> Iterator[str]:
    """The name of the migrated template on the server of `database_url`, made if missing
    or left incomplete. One process at a time checks or makes it (an advisory lock, held
    until the block ends); a complete template is never replaced, so it may be copied
    after the block too."""
    import psycopg

    mark = fingerprint()
    template = f"{POSTGRES_PREFIX}{mark}"
    with psycopg.connect(admin_url(database_url), autocommit=True) as admin:
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [POSTGRES_PREFIX])
        try:
            complete = admin.execute(
                "SELECT shobj_description(oid, 'pg_database') = %s FROM pg_database"
                " WHERE datname = %s",
                [mark, template],
            ).fetchone()
            if not (complete and complete[0]):
                # Templates of other migrations are left alone: another checkout's tests
                # on this server may be copying theirs.
                admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{template}"')
                parts = urlsplit(database_url)
                migrate(urlunsplit(parts._replace(path=f"/{template}", query="")))
                # Marked complete last: a template whose migration failed is made again.
                admin.execute(f"COMMENT ON DATABASE \"{template}\" IS '{mark}'")
            yield template
        finally:
            admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [POSTGRES_PREFIX])


def copy_postgres(database_url: str) -> None:
    """Make the database of `database_url` (dropping any of that name) a copy of the
    template."""
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with (
        postgres_template(database_url) as template,
        psycopg.connect(admin_url(database_url), autocommit=True) as admin,
    ):
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def drop_postgres(database_url: str) -> None:
    """Drop the database of `database_url`, if there is one."""
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(admin_url(database_url), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# SQLite ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sqlite_template() -> Path:
    """The migrated SQLite template file, made if missing."""
    mark = fingerprint()
    template = SQLITE_TEMPLATES / f"{mark}.sqlite3"
    with _file_lock(SQLITE_TEMPLATES / ".lock"):
        if not template.exists():
            for old in SQLITE_TEMPLATES.glob("*.sqlite3*"):
                old.unlink()
            partial = template.with_name(f"{mark}.partial.sqlite3")
            migrate(f"sqlite:///{partial}")
            # One self-contained file (the settings open SQLite in WAL mode).
            with contextlib.closing(sqlite3.connect(partial)) as database:
                database.execute("PRAGMA journal_mode=DELETE")
            for leftover in (Path(f"{partial}-wal"), Path(f"{partial}-shm")):
                leftover.unlink(missing_ok=True)
            partial.replace(template)
    return template


def _copy_sqlite(template: Path, target: sqlite3.Connection) -> None:
    with contextlib.closing(sqlite3.connect(f"file:{template}?mode=ro", uri=True)) as source:
        source.backup(target)


# The tests' databases ------------------------------------------------------------------------


def use_template(connection) -> Callable[[], None]:
    """Make Django's next creation of the test database for `connection` copy the template
    (call before `setup_databases`). Returns what to call once it has been set up."""
    if connection.vendor == "postgresql":
        database_url = os.environ["DATABASE_URL"]
        with postgres_template(database_url) as template:
            connection.settings_dict["TEST"]["TEMPLATE"] = template
        return lambda: None
    if connection.vendor != "sqlite":
        return lambda: None
    template = sqlite_template()
    creation = connection.creation
    create = creation._create_test_db
    kept: list[sqlite3.Connection] = []

    def create_from_template(verbosity, autoclobber, keepdb=False):
        name = create(verbosity, autoclobber, keepdb)
        if creation.is_in_memory_db(name):
            # A shared in-memory database lasts while a connection to it is open: this one
            # holds it until Django's own connection has opened.
            kept.append(sqlite3.connect(name, uri=True, check_same_thread=False))
            _copy_sqlite(template, kept[-1])
        else:
            with contextlib.closing(sqlite3.connect(name)) as target:
                _copy_sqlite(template, target)
        return name

    patch = mock.patch.object(creation, "_create_test_db", create_from_template)
    patch.start()

    def done() -> None:
        patch.stop()
        for database in kept:
            database.close()

    return done


def _make(url: str) -> str:
    if url.startswith("sqlite"):
        return f"SQLite template: {sqlite_template().relative_to(ROOT)}"
    with postgres_template(url) as template:
        return f"PostgreSQL template: {template}"


def main(urls: list[str]) -> int:
    urls = urls or [f"sqlite:///{ROOT / 'var' / 'test.sqlite3'}"]
    unknown = [url for url in urls if not url.startswith(("sqlite", "postgres"))]
    if unknown:
        print(f"No template for {', '.join(unknown)}", file=sys.stderr)
        return 2
    # Each is made by a `migrate` process of its own, side by side.
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        for line in pool.map(_make, urls):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
