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
