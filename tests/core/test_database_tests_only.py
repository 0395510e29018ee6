"""`make test` runs the whole suite on SQLite, then on PostgreSQL only the tests that reach a
database (`--database-tests-only`, tests/conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULE = "tests/core/test_template_databases.py"  # tests of both kinds


def test_only_the_tests_that_reach_a_database_run_again():
    completed = subprocess.run(  # noqa: S603 - our own test suite, fixed arguments
        [sys.executable, "-m", "pytest", "--collect-only", "-q", MODULE, "--database-tests-only"],
        cwd=ROOT,
        env={**os.environ, "REALISE_TESTING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = completed.stdout.splitlines()
    kept = {line.split("::", 1)[1] for line in lines if "::" in line}

    assert kept == {"test_the_test_database_is_a_migrated_copy"}  # asks for `db`
    # Left out: the two fingerprint tests, pure (pytest-django would refuse their queries).
    assert "1/3 tests collected (2 deselected)" in completed.stdout
