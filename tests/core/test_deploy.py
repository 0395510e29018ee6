"""The deployment files in deploy/ are valid for the tools that read them."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("realise-*"))


def test_there_are_units_for_the_web_the_worker_and_the_daily_run():
    assert [unit.name for unit in UNITS] == [
        "realise-remind.service",
        "realise-remind.timer",
        "realise-web.service",
        "realise-worker.service",
    ]
    worker = (ROOT / "deploy/systemd/realise-worker.service").read_text()
    assert "ExecStart=/opt/realise/.venv/bin/realise worker " in worker
    assert (
        "ExecStart=/opt/realise/.venv/bin/realise remind"
        in (ROOT / "deploy/systemd/realise-remind.service").read_text()
    )
    assert "OnCalendar=*-*-* 07:00:00" in (ROOT / "deploy/systemd/realise-remind.timer").read_text()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_analyze_verifies_the_units(tmp_path):
    """Verified as installed here: /opt/realise read as this checkout (its programs exist)."""
    env_file = tmp_path / "realise.env"
    env_file.write_text("SECRET_KEY=x\n")
    for unit in UNITS:
        text = unit.read_text().replace("/opt/realise", str(ROOT))
        text = text.replace("/etc/realise/realise.env", str(env_file))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(  # noqa: S603 - our own files
        [
            shutil.which("systemd-analyze"),
            "verify",
            "--man=no",
            *(str(tmp_path / u.name) for u in UNITS),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
        check=False,
    )
    problems = [
        line
        for line in result.stderr.splitlines()
        # A container without systemd as init cannot look up users or the system manager.
        if "realise" in line or ".service" in line or ".timer" in line
    ]
    assert result.returncode == 0 and problems == [], result.stderr


@pytest.mark.parametrize(
    ("database_url", "per_core", "more"),
    [
        ("postgres://realise@db.internal:5432/realise", 2, 1),
        ("postgres://realise@10.0.0.5/realise", 2, 1),
        ("postgres://realise@127.0.0.1:5432/realise", 1, 1),
        ("postgres://realise@localhost/realise", 1, 1),
        ("postgres://realise@%2Fvar%2Frun%2Fpostgresql/realise", 1, 1),
        ("postgres:///realise", 1, 1),
        ("sqlite:///var/db.sqlite3", 1, 1),
    ],
)
def test_gunicorn_starts_fewer_workers_when_the_database_shares_the_host(
    monkeypatch, database_url, per_core, more
):
    """Twice the cores and one more when the database is elsewhere (a core is free while a
    worker waits for it); the cores and one more when it runs on the same cores."""
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 4)
    settings: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), settings)  # noqa: S102
    assert settings["workers"] == 4 * per_core + more


def test_the_gunicorn_configuration_reads_its_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    settings: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), settings)  # noqa: S102
    assert (settings["workers"], settings["bind"]) == (3, "0.0.0.0:9000")
    assert settings["accesslog"] is None and settings["forwarded_allow_ips"] == "127.0.0.1"
