"""`realise appraise --initiative SLUG`: an initiative's stored economic case appraised, with
the keys of the command's own output for several options."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from realise.appraisal import services
from realise.appraisal.figures import NO_FIGURES
from realise.appraisal.greenbook import appraise

D = Decimal


def run(*args) -> str:
    out = io.StringIO()
    call_command("appraise", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def case(world):
    baseline = services.business_as_usual(world.initiative)
    services.save_option(world.initiative, user=world.alice, option=baseline, first_year=2025)
    option = services.save_option(
        world.initiative, user=world.alice, name="Invest", first_year=2025
    )
    services.save_cost_line(
        option, user=world.alice, name="Build", kind="opex", values={2025: D(300)}
    )
    services.save_benefit_line(option, user=world.alice, name="Savings", values={2026: D(500)})
    return option


def test_each_option_has_the_keys_of_the_file_input_output(world, case, tmp_path):
    document = {
        "options": [
            {"name": "Business as usual", "business_as_usual": True, "first_year": 2025,
             "costs": [], "benefits": []},
            {"name": "Invest", "first_year": 2025,
             "costs": [{"name": "Build", "kind": "opex", "values": {"2025": "300"}}],
             "benefits": [{"name": "Savings", "values": {"2026": "500"}}]},
        ]
    }  # fmt: skip
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    from_file = json.loads(run(str(path)))["options"]

    stored = json.loads(run("--initiative", "joint-vetting"))["options"]

    for mine, theirs in zip(stored, from_file, strict=True):
        assert {k: v for k, v in mine.items() if k not in ("id", "preferred", "error")} == theirs
    assert stored[1]["vs_business_as_usual"]["npsv"] == "183.09"  # 500 / 1.035 - 300


def test_an_option_without_figures_has_every_key_of_one_with_them():
    assert set(NO_FIGURES) == set(appraise({"first_year": 2025, "costs": [], "benefits": []}))


def test_the_table_names_each_option_and_why_one_cannot_be_appraised(world, case):
    services.save_cost_line(
        case, user=world.alice, name="Contract", kind="opex", prices="nominal", values={2026: D(10)}
    )
    table = run("--initiative", "joint-vetting", "--format", "table")
    assert "Business as usual (business as usual)" in table
    assert "Invest\n======\nCannot be appraised: deflators: required for nominal line" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--initiative", "nowhere"], "--initiative: no initiative with slug 'nowhere'"),
        (["case.json", "--initiative", "joint-vetting"], "input: give an input file or"),
        ([], "input: give an input file (- for stdin) or --initiative SLUG"),
        (["--initiative", "joint-vetting", "--as-of", "2026-03-31"], "--as-of: only with"),
        (
            ["--initiative", "joint-vetting", "--ex-post", "--as-of", "31/03/2026"],
            "--as-of: '31/03/2026' is not a date",
        ),
        (["case.json", "--ex-post"], "--ex-post: only with --initiative"),
    ],
)
def test_bad_usage_exits_2_naming_the_option(world, args, message):
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert raised.value.returncode == 2
    assert str(raised.value).startswith(message)
