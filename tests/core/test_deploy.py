"""The deployment files in deploy/ are valid for the tools that read them."""

import os
import shutil
import subprocess
import sys
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


def test_a_gunicorn_variable_of_the_wrong_form_is_named(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "four")
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS is 'four': it must be a whole number"):
        exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), {})  # noqa: S102


def unit_environment(unit: Path, root: Path) -> dict[str, str]:
    """The variables a unit's `Environment=` lines set, with /opt/realise and /run at `root`;
    its `RuntimeDirectory` made there, as systemd makes it before starting the service."""
    env = {}
    for line in unit.read_text().splitlines():
        if line.startswith("Environment="):
            name, _, value = line.removeprefix("Environment=").partition("=")
            env[name] = value.replace("/opt/realise", str(root)).replace("/run", f"{root}/run")
        if line.startswith("RuntimeDirectory="):
            (root / "run" / line.removeprefix("RuntimeDirectory=")).mkdir(parents=True)
    return env


@pytest.mark.parametrize("unit", ["realise-web.service", "realise-worker.service"])
def test_the_services_start_without_warnings_with_a_read_only_home(tmp_path, unit):
    """The units keep the home folder read-only (ProtectSystem=strict): the charts' font
    cache and gunicorn's control socket go where the unit lets them write."""
    env = unit_environment(ROOT / "deploy" / "systemd" / unit, tmp_path)
    start = (
        "import realise.wsgi; from gunicorn.config import Config; print(Config().control_socket)"
    )
    completed = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", start],
        cwd=ROOT,
        env={**os.environ, **env, "HOME": "/proc/no-home", "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "WARNING" not in completed.stderr, completed.stderr
    if unit == "realise-web.service":
        assert completed.stdout.strip() == f"{tmp_path}/run/realise-web/gunicorn.ctl"


def test_new_code_and_settings_take_a_restart_and_the_web_unit_offers_no_reload():
    """gunicorn preloads the application: a SIGHUP keeps the code and settings it loaded
    (and mixes in modules it loads later from the new code), so an upgrade restarts."""
    settings: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), settings)  # noqa: S102
    assert settings["preload_app"] is True
    assert "ExecReload" not in "".join(
        line
        for line in (ROOT / "deploy/systemd/realise-web.service").read_text().splitlines()
        if not line.startswith("#")
    )
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert "systemctl reload realise-web" not in operations
    assert "sudo systemctl restart realise-web" in operations


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx not installed")
def test_nginx_accepts_the_example_site(tmp_path):
    """As Debian 12's and Ubuntu 24.04's nginx read it (both before 1.25.1's `http2 on`)."""
    certificate, key = tmp_path / "site.pem", tmp_path / "site.key"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            shutil.which("openssl") or "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=x",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        capture_output=True,
        check=True,
    )
    site = (ROOT / "deploy" / "nginx" / "realise.conf").read_text()
    site = site.replace("/etc/ssl/certs/realise.police.example.pem", str(certificate))
    site = site.replace("/etc/ssl/private/realise.police.example.key", str(key))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(  # noqa: S603 - our own file
        [shutil.which("nginx"), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
