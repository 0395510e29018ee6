"""Tests for the `appraise` management command (`realise appraise FILE.json`)."""

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

PROJECT_ROOT = Path(__file__).resolve().parents[2]

WORKED_EXAMPLE = {
    "first_year": 2025,
    "price_base_year": 2025,
    "discount_schedule": "standard",
    "deflators": {"2024": "97.6", "2025": "100"},
    "costs": [{"name": "Build", "kind": "capex", "prices": "real", "values": {"2025": "3000000"}}],
    "benefits": [
        {
            "name": "Cashable savings",
            "prices": "real",
            "values": {str(year): "1000000" for year in range(2026, 2036)},
        }
    ],
}


def write_json(tmp_path, data, name="input.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run_command(*args, stdin=None):
    out = io.StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    call_command("appraise", *[str(a) for a in args], **options)
    return out.getvalue()


def subprocess_env():
    env = dict(os.environ)
    env.setdefault("REALISE_TESTING", "1")
    env.setdefault("DJANGO_SETTINGS_MODULE", "realise.settings")
    return env


def run_manage(*args, stdin=None):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "appraise", *[str(a) for a in args]],
        cwd=PROJECT_ROOT,
        env=subprocess_env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_json_output(tmp_path):
    out = json.loads(run_command(write_json(tmp_path, WORKED_EXAMPLE)))
    assert set(out) == {
        "pv_costs",
        "pv_benefits",
        "npsv",
        "bcr",
        "vfm_category",
        "optimism_bias_pv",
        "lines",
        "years",
    }
    assert out["pv_costs"] == "3000000.00"
    assert out["pv_benefits"] == "8316605.32"
    assert out["npsv"] == "5316605.32"
    assert out["bcr"] == "2.77"
    assert out["vfm_category"] == "high"
    assert out["optimism_bias_pv"] == "0.00"
    assert [line["name"] for line in out["lines"]] == ["Build", "Cashable savings"]
    assert set(out["lines"][0]) == {"name", "type", "pv", "switching_value_pct"}
    assert out["years"][0]["year"] == 2025
    assert out["years"][1]["discount_factor"] == "0.9662"


def test_json_numbers_are_read_exactly(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text(
        '{"first_year": 2025, "costs": [], '
        '"benefits": [{"name": "B", "values": {"2025": 1000.005}}]}',
        encoding="utf-8",
    )
    assert json.loads(run_command(path))["pv_benefits"] == "1000.01"


def test_stdin_input():
    out = json.loads(run_command("-", stdin=json.dumps(WORKED_EXAMPLE)))
    assert out["npsv"] == "5316605.32"


def test_table_output(tmp_path):
    text = run_command(write_json(tmp_path, WORKED_EXAMPLE), "--format", "table")
    assert "5316605.32" in text
    assert "8316605.32" in text
    assert "high" in text
    assert "Cashable savings" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d["costs"][0]["values"].update({"2025": "abc"}), "costs[0].values.2025"),
        (lambda d: d.update({"discount_schedule": "cheap"}), "discount_schedule"),
        (lambda d: d.pop("first_year"), "first_year: required"),
        (lambda d: d.update({"optimism_bias": {"capex": "big"}}), "optimism_bias.capex"),
    ],
)
def test_bad_input_raises_command_error_with_status_2(tmp_path, change, fragment):
    data = json.loads(json.dumps(WORKED_EXAMPLE))
    change(data)
    with pytest.raises(CommandError) as info:
        run_command(write_json(tmp_path, data))
    assert info.value.returncode == 2
    assert fragment in str(info.value)


def test_invalid_json_raises_command_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"first_year": 2025,', encoding="utf-8")
    with pytest.raises(CommandError) as info:
        run_command(path)
    assert info.value.returncode == 2
    assert "invalid JSON" in str(info.value)


def test_missing_file_raises_command_error(tmp_path):
    with pytest.raises(CommandError) as info:
        run_command(tmp_path / "absent.json")
    assert info.value.returncode == 2
    assert "absent.json" in str(info.value)


# --------------------------------------------------------------------------- #
# As a real process: exit status and streams
# --------------------------------------------------------------------------- #


def test_manage_py_prints_one_json_object(tmp_path):
    proc = run_manage(write_json(tmp_path, WORKED_EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["npsv"] == "5316605.32"
    assert out["bcr"] == "2.77"


def test_manage_py_table(tmp_path):
    proc = run_manage(write_json(tmp_path, WORKED_EXAMPLE), "--format", "table")
    assert proc.returncode == 0, proc.stderr
    assert "5316605.32" in proc.stdout


def test_manage_py_reads_stdin():
    proc = run_manage("-", stdin=json.dumps(WORKED_EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pv_benefits"] == "8316605.32"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            json.dumps(
                {
                    **WORKED_EXAMPLE,
                    "costs": [{"name": "B", "kind": "capex", "values": {"2025": "x"}}],
                }
            ),
            "costs[0].values.2025: 'x' is not a number",
        ),
        (
            json.dumps({**WORKED_EXAMPLE, "discount_schedule": "cheap"}),
            "discount_schedule: must be one of standard, health",
        ),
        (
            json.dumps({k: v for k, v in WORKED_EXAMPLE.items() if k != "first_year"}),
            "first_year: required",
        ),
        ('{"first_year": 2025, "costs": [', "invalid JSON"),
    ],
)
def test_manage_py_bad_input_exits_2(tmp_path, text, fragment):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    proc = run_manage(path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert fragment in lines[0]


def test_manage_py_missing_file_exits_2(tmp_path):
    proc = run_manage(tmp_path / "nowhere.json")
    assert proc.returncode == 2
    assert "nowhere.json" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_console_script(tmp_path):
    script = shutil.which("realise", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("realise console script is not installed")
    proc = subprocess.run(  # noqa: S603
        [script, "appraise", str(write_json(tmp_path, WORKED_EXAMPLE))],
        cwd=PROJECT_ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["npsv"] == "5316605.32"
