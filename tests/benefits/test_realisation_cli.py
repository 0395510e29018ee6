"""`realise realisation`: the dashboard's figures for a cut, as JSON or CSV."""

import csv
import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import actual, force, plan

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    out = io.StringIO()
    call_command("realisation", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def figures(world):
    """£1,000 a month planned from April 2025 for six months; £2,850 realised by June."""
    world.benefit.cashable = True
    world.benefit.save()
    plan(world.benefit, datetime.date(2025, 4, 1), ["1000"] * 6)
    for month, value in ((4, "900"), (5, "1000"), (6, "950")):
        actual(world.benefit, datetime.date(2025, month, 1), value)
    actual(world.benefit, datetime.date(2025, 6, 1), "100", force("Essex"))
    return world


def test_json_has_the_documented_figures(figures):
    data = json.loads(run("--collaboration", "ek", "--today", "2025-07-15"))
    money = data["money"]
    assert money["planned_total"] == "6000.00"
    assert money["planned_to_date"] == "3000.00"
    assert money["actual_to_date"] == "2950.00"
    assert money["forecast_total"] == "5950.00"
    assert money["percent_of_plan_to_date"] == "98.33"
    assert money["identified"] == {"planned_total": "6000.00", "actual_to_date": "2950.00"}
    assert money["not_identified"] == {"planned_total": "0.00", "actual_to_date": "0.00"}
    assert money["cashable"] == {"planned_total": "6000.00", "actual_to_date": "2950.00"}
    assert money["non_cashable"] == {"planned_total": "0.00", "actual_to_date": "0.00"}
    # Essex: its own £100 plus 47.3% of £2,850 (1348.05); Kent 52.7% (1501.95).
    assert money["by_force"] == {"E23000028": "1448.05", "E23000032": "1501.95"}
    assert money["by_subcategory"]["1a"] == {
        "planned_total": "6000.00",
        "actual_to_date": "2950.00",
    }
    assert data["hours"]["planned_total"] == "0.00"
    assert data["rag"]["overall"] == "green"
    assert set(data["rag"]["counts"]) == {"green", "amber", "red", "none"}


def test_a_forces_cut_is_its_share(figures):
    data = json.loads(run("--force", "E23000032", "--today", "2025-07-15"))
    assert data["money"]["actual_to_date"] == "1501.95"
    assert data["money"]["by_force"] == {"E23000032": "1501.95"}


def test_a_period_and_subcategory_cut(figures):
    data = json.loads(
        run("--subcategory", "1a", "--from", "2025-05", "--to", "2025-05", "--today", "2025-07-15")
    )
    assert data["money"]["planned_total"] == "1000.00"
    assert data["money"]["actual_to_date"] == "1000.00"
    assert (
        json.loads(run("--subcategory", "1b", "--today", "2025-07-15"))["money"]["planned_total"]
        == "0.00"
    )


def test_csv_is_one_row_per_figure_with_the_same_numbers(figures):
    text = run("--initiative", "joint-vetting", "--format", "csv", "--today", "2025-07-15")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["measure", "figure", "value"]
    values = {(m, f): v for m, f, v in rows[1:]}
    assert values[("money", "planned_total")] == "6000.00"
    assert values[("money", "identified.actual_to_date")] == "2950.00"
    assert values[("money", "by_force.E23000028")] == "1448.05"
    assert values[("money", "by_month.2025-06.actual")] == "1050.00"
    assert values[("money", "by_year.2025/26.forecast")] == "5950.00"
    assert values[("rag", "overall")] == "green"
    data = json.loads(run("--initiative", "joint-vetting", "--today", "2025-07-15"))
    assert values[("money", "forecast_total")] == data["money"]["forecast_total"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--collaboration", "nope"], "--collaboration"),
        (["--initiative", "nope"], "--initiative"),
        (["--force", "E99999999"], "--force"),
        (["--subcategory", "9z"], "--subcategory"),
        (["--from", "2025-13"], "--from"),
        (["--to", "July"], "--to"),
        (["--from", "2025-06", "--to", "2025-05"], "--from"),
        (["--today", "yesterday"], "--today"),
    ],
)
def test_bad_arguments_exit_2_naming_the_option(db, args, option):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert message.startswith(f"{option}:")
    assert "\n" not in message


def test_the_command_line_exits_2_with_one_line():
    env = dict(os.environ, REALISE_TESTING="1", DJANGO_SETTINGS_MODULE="realise.settings")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "realisation", "--from", "2025-13"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "CommandError: --from: '2025-13' is not a month; write it as YYYY-MM, e.g. 2026-10."
    ]
