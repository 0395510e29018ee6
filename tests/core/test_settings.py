import ast
import os
import subprocess
import sys


def run_check(**env):
    clean = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "REALISE_TESTING")
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; "
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'realise.settings'; django.setup()",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    completed = run_check()
    assert completed.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in completed.stderr


def test_production_settings_start_with_a_secret_key():
    assert run_check(SECRET_KEY="x" * 50).returncode == 0


def database_setting(**env):
    """CONN_MAX_AGE and CONN_HEALTH_CHECKS as the settings module works them out."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "REALISE_TESTING", "DATABASE_CONN_MAX_AGE")
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'realise.settings'; "
            "from django.conf import settings; db = settings.DATABASES['default']; "
            "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'])",
        ],
        env={**clean, "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.split()


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    assert database_setting() == ["60", "True"]
    assert database_setting(DATABASE_CONN_MAX_AGE="0") == ["0", "True"]
    assert database_setting(DATABASE_CONN_MAX_AGE="300") == ["300", "True"]


def test_the_development_server_opens_a_connection_per_request():
    assert database_setting(DEBUG="1") == ["0", "True"]


def database_options(database_url: str, **env) -> dict:
    """The options Django opens a connection with, as the settings work them out."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "REALISE_TESTING", "DATABASE_PREPARE_THRESHOLD")
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'realise.settings'; "
            "from django.conf import settings; "
            "print(repr(settings.DATABASES['default'].get('OPTIONS', {})))",
        ],
        env={**clean, "SECRET_KEY": "x" * 50, "DATABASE_URL": database_url, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return ast.literal_eval(completed.stdout.strip())


def test_postgresql_prepares_statements_run_again_unless_turned_off():
    url = "postgres://realise@db.internal:5432/realise"
    assert database_options(url) == {"server_side_binding": True, "prepare_threshold": 2}
    assert database_options(url, DATABASE_PREPARE_THRESHOLD="5")["prepare_threshold"] == 5
    # Behind a pooler that cannot keep prepared statements: values bound by the client.
    assert database_options(url, DATABASE_PREPARE_THRESHOLD="0") == {}
    assert "prepare_threshold" not in database_options("sqlite:///var/x.sqlite3")
