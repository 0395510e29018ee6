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
