"""The benchmarks' PostgreSQL databases: made when missing, kept for the next run."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

# Where the benchmarks' own databases live (`REALISE_BENCH_PG` to point elsewhere).
PG_HOST = os.environ.get("REALISE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def ensure_postgres(url: str, *, fresh: bool = False) -> str:
    """Create the PostgreSQL database named in `url` if it does not exist yet (dropping it
    first when `fresh`); returns `url`."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return url
