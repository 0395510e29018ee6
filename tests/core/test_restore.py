"""A backup taken with pg_dump restores into a fresh database with nothing lost: the audit
trail verifies, the monthly totals agree with the register, the national figures match.
PostgreSQL only (the production database); SQLite's backup is a copy of one file."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-06-30"

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump not installed"),
    pytest.mark.django_db(transaction=True),
]


def url_for(name: str) -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:{port}/{name}"


def libpq_env() -> dict:
    settings = connection.settings_dict
    return {
        **os.environ,
        "PGHOST": settings["HOST"] or "127.0.0.1",
        "PGPORT": str(settings["PORT"] or 5432),
        "PGUSER": settings["USER"] or "",
        "PGPASSWORD": settings["PASSWORD"] or "",
    }


def realise(database: str, *args: str) -> tuple[int, str]:
    """A `realise` command against the named database, as an operator runs it."""
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**os.environ, "DATABASE_URL": url_for(database), "REALISE_TESTING": "1"},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    return result.returncode, result.stdout + result.stderr


def checks(database: str) -> dict:
    return {
        "audit": realise(database, "audit", "verify", "--data"),
        "head": realise(database, "audit", "head", "--format", "json"),
        "totals": realise(database, "totals", "--check"),
        "national": realise(database, "realisation", "--today", TODAY, "--format", "json"),
    }


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = url_for("postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_pg_dump_of_the_demo_restores_with_the_audit_trail_and_figures_intact(
    committed_demo, tmp_path, restored_name
):
    original = connection.settings_dict["NAME"]
    before = checks(original)
    assert before["audit"][0] == 0 and "Live data matches the audit trail" in before["audit"][1]
    assert before["totals"][0] == 0

    dump = tmp_path / "realise.dump"
    env = libpq_env()
    subprocess.run(  # noqa: S603
        [shutil.which("pg_dump"), "-Fc", "--no-owner", "-f", str(dump), original],
        env=env,
        check=True,
    )
    subprocess.run(  # noqa: S603
        [
            shutil.which("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "-d",
            restored_name,
            str(dump),
        ],
        env=env,
        check=True,
    )

    after = checks(restored_name)
    assert after == before


@pytest.fixture
def application_role(restored_name):
    """A database user of Realise's own, not a superuser, owning the restored database (as
    docs/operations.md has it: `createdb -O realise`)."""
    admin = url_for("postgres").replace("postgres://", "postgresql://", 1)
    role = f"{restored_name}_app"
    with psycopg.connect(admin, autocommit=True) as server:
        if not server.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()[0]:
            pytest.skip("creating a database user needs a superuser")
        server.execute(f'DROP ROLE IF EXISTS "{role}"')
        server.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'restored'")
        server.execute(f'ALTER DATABASE "{restored_name}" OWNER TO "{role}"')
    yield role
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        server.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_a_restore_by_a_superuser_as_documented_leaves_the_tables_to_realises_own_user(
    tmp_path, restored_name, application_role
):
    dump = tmp_path / "realise.dump"
    env = libpq_env()
    subprocess.run(  # noqa: S603
        [
            shutil.which("pg_dump"),
            "-Fc",
            "--no-owner",
            "-f",
            str(dump),
            connection.settings_dict["NAME"],
        ],
        env=env,
        check=True,
    )
    subprocess.run(  # noqa: S603 - as docs/operations.md says, by a superuser
        [
            shutil.which("pg_restore"),
            "--no-owner",
            f"--role={application_role}",
            "--exit-on-error",
            "-d",
            restored_name,
            str(dump),
        ],
        env=env,
        check=True,
    )
    as_realise = url_for(restored_name).split("@", 1)[1]
    database_url = f"postgres://{application_role}:restored@{as_realise}"
    for command in (["migrate", "--check"], ["totals", "--check"], ["audit", "verify"]):
        result = subprocess.run(  # noqa: S603 - our own command
            [sys.executable, str(ROOT / "manage.py"), *command],
            env={**os.environ, "DATABASE_URL": database_url, "REALISE_TESTING": "1"},
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "permission denied" not in result.stderr
