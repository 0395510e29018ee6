import ast
import os
import subprocess
import sys

import pytest


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


def settings_printed(expression: str, **env) -> str:
    """What `print(expression)` gives in a process that loads the settings with production's
    defaults (no DEBUG, a secret key) and `env`; `expression` may use `settings`."""
    unset = {
        "SECRET_KEY",
        "DEBUG",
        "REALISE_TESTING",
        "DATABASE_CONN_MAX_AGE",
        "DATABASE_PREPARE_THRESHOLD",
    }
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    # The expressions are this file's own.
    completed = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'realise.settings'; "
            f"from django.conf import settings; print({expression})",
        ],
        env={**clean, "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


def database_setting(**env):
    """CONN_MAX_AGE and CONN_HEALTH_CHECKS as the settings module works them out."""
    db = "settings.DATABASES['default']"
    return settings_printed(f"{db}['CONN_MAX_AGE'], {db}['CONN_HEALTH_CHECKS']", **env).split()


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    assert database_setting() == ["60", "True"]
    assert database_setting(DATABASE_CONN_MAX_AGE="0") == ["0", "True"]
    assert database_setting(DATABASE_CONN_MAX_AGE="300") == ["300", "True"]


def test_the_development_server_opens_a_connection_per_request():
    assert database_setting(DEBUG="1") == ["0", "True"]


def database_options(database_url: str, **env) -> dict:
    """The options Django opens a connection with, as the settings work them out."""
    printed = settings_printed(
        "repr(settings.DATABASES['default'].get('OPTIONS', {}))", DATABASE_URL=database_url, **env
    )
    return ast.literal_eval(printed)


def test_postgresql_prepares_statements_run_again_unless_turned_off():
    url = "postgres://realise@db.internal:5432/realise"
    assert database_options(url) == {"server_side_binding": True, "prepare_threshold": 2}
    assert database_options(url, DATABASE_PREPARE_THRESHOLD="5")["prepare_threshold"] == 5
    # Behind a pooler that cannot keep prepared statements: values bound by the client.
    assert database_options(url, DATABASE_PREPARE_THRESHOLD="0") == {}
    assert "prepare_threshold" not in database_options("sqlite:///var/x.sqlite3")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DATABASE_CONN_MAX_AGE",
            "1m",
            "DATABASE_CONN_MAX_AGE is '1m': it must be a whole number.",
        ),
        ("REALISE_UPLOAD_MAX_BYTES", "20MB", "REALISE_UPLOAD_MAX_BYTES is '20MB'"),
        ("REALISE_RAG_GREEN", "95%", "REALISE_RAG_GREEN is '95%': it must be a number"),
        ("REALISE_UPLOAD_PARSE_SECONDS", "soon", "REALISE_UPLOAD_PARSE_SECONDS is 'soon'"),
        # An unknown word was read as "off": a typo turned the HTTPS redirect off.
        ("REALISE_SSL_REDIRECT", "ture", "REALISE_SSL_REDIRECT is 'ture': it must be on or off"),
        ("REALISE_API_REQUIRE_VERSION", "enabled", "REALISE_API_REQUIRE_VERSION is 'enabled'"),
        ("DATABASE_URL", "", "DATABASE_URL must name a PostgreSQL database"),
        ("DATABASE_URL", "postgres//realise@db/realise", "DATABASE_URL must name a PostgreSQL"),
        ("EMAIL_URL", "smtp//mail.internal:25", "EMAIL_URL must be a mail server's URL"),
        ("REDIS_URL", "cache.internal:6379", "REDIS_URL must start with redis://"),
        ("REALISE_LOG_LEVEL", "LOUD", "REALISE_LOG_LEVEL must be DEBUG, INFO, WARNING"),
        (
            "REALISE_LOGIN_FAILURE_LIMIT",
            "0",
            "REALISE_LOGIN_FAILURE_LIMIT must be a whole number, 1",
        ),
        (
            "REALISE_UPLOAD_MAX_BYTES",
            "0",
            "REALISE_UPLOAD_MAX_BYTES must be a whole number of bytes",
        ),
        ("REALISE_WORKER_HEARTBEAT_SECONDS", "0", "REALISE_WORKER_HEARTBEAT_SECONDS must be"),
        ("REALISE_WORKER_STALE_SECONDS", "30", "REALISE_WORKER_STALE_SECONDS (30) must be more"),
        ("REALISE_AUDIT_ANCHOR_URL", "logs.police.example/audit", "REALISE_AUDIT_ANCHOR_URL must"),
        ("STORAGE_URL", "file://srv/media", "STORAGE_URL: file:// needs a folder from the root"),
    ],
)
def test_a_wrong_value_stops_the_start_with_one_line_naming_the_variable(variable, value, message):
    completed = run_check(SECRET_KEY="x" * 50, **{variable: value})
    assert completed.returncode != 0
    assert f"ImproperlyConfigured: {message}" in completed.stderr, completed.stderr


def test_a_password_in_a_wrong_url_is_not_repeated():
    completed = run_check(SECRET_KEY="x" * 50, EMAIL_URL="smpt://realise:hunter2@mail.internal")
    assert "EMAIL_URL must be" in completed.stderr and "hunter2" not in completed.stderr


def test_settings_read_as_documented_still_start():
    assert (
        run_check(
            SECRET_KEY="x" * 50,
            DEBUG="False",
            REALISE_SSL_REDIRECT="off",
            REALISE_SECURE_COOKIES="yes",
            REALISE_LOG_LEVEL="info",
            REDIS_URL="redis://127.0.0.1:6379/0",
            REALISE_RAG_GREEN="0.9",
            REALISE_AUDIT_ANCHOR_URL="https://logs.police.example/realise-audit",
            STORAGE_URL="file:///srv/realise/media",
        ).returncode
        == 0
    )
