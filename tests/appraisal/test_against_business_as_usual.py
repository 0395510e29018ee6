"""Options judged against business as usual: incremental figures, dominance, trade-offs.

Worked by hand with the standard schedule (year 1 is discounted by 1.035):
* business as usual costs 100 in 2025 and delivers nothing;
* "Invest" costs 300 in 2025 and saves 500 in 2026: PV benefits 500 / 1.035 = 483.0918,
  so against business as usual it costs 200 more for 483.09 more benefit, incremental
  NPSV 283.09 and incremental BCR 483.0918 / 200 = 2.42 ("high"), although its own BCR
  (483.09 / 300 = 1.61) would only rate "medium";
* "Cheaper" costs 50 and saves 10 in 2026 (PV 9.66): it costs less and delivers more, so
  it dominates business as usual, with no ratio;
* "Cut" costs 60 and loses 20 of benefit in 2025: 40 saved for 20 given up, 0.50 of
  benefit given up for each pound saved, in words rather than a value-for-money band.
"""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from realise.appraisal import services
from realise.appraisal.counterfactual import appraise_options, increment
from realise.appraisal.greenbook import AppraisalError, evaluate, parse_input

D = Decimal


def option(name, cost, benefits=None, **extra):
    return {
        "name": name,
        "first_year": 2025,
        "costs": [{"name": "Cost", "kind": "opex", "values": {"2025": cost}}],
        "benefits": [{"name": "Benefit", "values": benefits or {}}],
        **extra,
    }


OPTIONS = {
    "options": [
        option("Invest", "300", {"2026": "500"}),
        option("Do nothing", "100", business_as_usual=True),
        option("Cheaper", "50", {"2026": "10"}),
        option("Cut", "60", {"2025": "-20"}),
    ]
}


def by_name(output):
    return {entry["name"]: entry for entry in output["options"]}


def test_the_incremental_bcr_judges_an_option_against_business_as_usual():
    out = by_name(appraise_options(OPTIONS))

    invest = out["Invest"]
    assert invest["bcr"] == "1.61" and invest["vfm_category"] == "medium"
    assert invest["vs_business_as_usual"]["pv_costs"] == "200.00"
    assert invest["vs_business_as_usual"]["pv_benefits"] == "483.09"
    assert invest["vs_business_as_usual"]["npsv"] == "283.09"
    assert invest["vs_business_as_usual"]["bcr"] == "2.42"
    assert invest["vs_business_as_usual"]["vfm_category"] == "high"


def test_business_as_usual_is_the_flagged_option_and_has_no_comparison():
    out = by_name(appraise_options(OPTIONS))
    assert out["Do nothing"]["business_as_usual"] is True
    assert out["Do nothing"]["vs_business_as_usual"] is None
    assert [e["name"] for e in appraise_options(OPTIONS)["options"]] == [
        "Invest",
        "Do nothing",
        "Cheaper",
        "Cut",
    ]


def test_without_a_flag_the_first_option_is_business_as_usual():
    data = {"options": [option("Base", "100"), option("Invest", "300", {"2026": "500"})]}
    out = by_name(appraise_options(data))
    assert out["Base"]["vs_business_as_usual"] is None
    assert out["Invest"]["vs_business_as_usual"]["bcr"] == "2.42"


def test_an_option_that_costs_less_and_delivers_more_dominates():
    vs = by_name(appraise_options(OPTIONS))["Cheaper"]["vs_business_as_usual"]
    assert vs["bcr"] is None
    assert vs["vfm_category"] == "very high"
    assert vs["pv_costs"] == "-50.00" and vs["pv_benefits"] == "9.66"
    assert vs["summary"].startswith("Dominates business as usual")


def test_costing_less_and_delivering_less_is_said_in_words_not_banded():
    vs = by_name(appraise_options(OPTIONS))["Cut"]["vs_business_as_usual"]
    assert vs["vfm_category"] is None
    assert vs["bcr"] == "0.50"
    assert "£0.50 of benefit given up for each pound saved" in vs["summary"]
    assert "£40.00 less" in vs["summary"] and "£20.00 less benefit" in vs["summary"]


@pytest.mark.parametrize(
    ("cost", "benefit", "bcr", "category"),
    [
        ("0", "0", None, None),  # identical to business as usual
        ("0", "10", None, "very high"),  # same cost, more benefit: dominates
        ("-10", "0", None, "very high"),  # cheaper, same benefit: dominates
        ("10", "0", None, "negative"),  # dearer, same benefit: dominated
        ("0", "-10", None, "negative"),  # same cost, less benefit: dominated
        ("10", "-5", D("-0.5"), "negative"),  # dearer and worse
        ("10", "35", D("3.5"), "high"),
        ("10", "9", D("0.9"), "poor"),
    ],
)
def test_every_quadrant_of_the_comparison(cost, benefit, bcr, category):
    def appraised(cost_total, benefit_total):
        return evaluate(
            parse_input(
                {
                    "first_year": 2025,
                    "costs": [{"name": "c", "kind": "opex", "values": {"2025": cost_total}}],
                    "benefits": [{"name": "b", "values": {"2025": benefit_total}}],
                }
            )
        )

    base = appraised("100", "100")
    other = appraised(str(100 + D(cost)), str(100 + D(benefit)))
    result = increment(other, base)
    assert result.bcr == bcr
    assert result.vfm_category == category
    assert result.summary


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"options": []}, "options: must be a non-empty list"),
        ({"options": [1]}, "options[0]: must be a JSON object"),
        ({"options": [option("A", "1"), option("A", "2")]}, "options[1].name: 'A' is used"),
        (
            {
                "options": [
                    option("A", "1", business_as_usual=True),
                    option("B", "2", business_as_usual=True),
                ]
            },
            "options[1].business_as_usual: only one option",
        ),
        ({"options": [option("A", "x")]}, "options[0].costs[0].values"),
        ({"options": [option("A", "1")], "extra": 1}, "extra: unknown key"),
    ],
)
def test_bad_documents_name_the_option_and_field(data, message):
    with pytest.raises(AppraisalError, match=message.replace("[", r"\[").replace("]", r"\]")):
        appraise_options(data)


def test_the_command_accepts_both_documents(tmp_path):
    path = tmp_path / "options.json"
    path.write_text(json.dumps(OPTIONS), encoding="utf-8")
    out = io.StringIO()
    call_command("appraise", str(path), stdout=out)
    result = json.loads(out.getvalue())
    assert by_name(result)["Invest"]["vs_business_as_usual"]["vfm_category"] == "high"

    table = io.StringIO()
    call_command("appraise", str(path), "--format", "table", stdout=table)
    assert "Invest" in table.getvalue()
    assert "Dominates business as usual" in table.getvalue()

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"options": [option("A", "x")]}), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("appraise", str(bad))
    assert error.value.returncode == 2


def test_the_economic_case_page_judges_options_against_business_as_usual(client, world):
    baseline = services.business_as_usual(world.initiative)
    services.save_option(world.initiative, user=world.alice, option=baseline, first_year=2025)
    services.save_cost_line(
        baseline, user=world.alice, name="Old", kind="opex", values={2025: D("100")}
    )
    invest = services.save_option(
        world.initiative, user=world.alice, name="Invest", first_year=2025
    )
    services.save_cost_line(
        invest, user=world.alice, name="Build", kind="opex", values={2025: D("300")}
    )
    services.save_benefit_line(invest, user=world.alice, name="Savings", values={2026: D("500")})

    client.force_login(world.alice)
    html = client.get(f"/initiatives/{world.initiative.slug}/economic-case/").content.decode()

    assert 'data-figure="increment_bcr">2.42<' in html
    assert 'data-figure="increment_vfm_category">High<' in html
    assert 'data-figure="increment_pv_costs">£200.00<' in html
    assert "incremental benefit-cost ratio of 2.42" in html


def test_the_workbook_judges_options_against_business_as_usual_as_the_page_does(client, world):
    baseline = services.business_as_usual(world.initiative)
    services.save_option(world.initiative, user=world.alice, option=baseline, first_year=2025)
    services.save_cost_line(
        baseline, user=world.alice, name="Old", kind="opex", values={2025: D("100")}
    )
    invest = services.save_option(
        world.initiative, user=world.alice, name="Invest", first_year=2025
    )
    services.save_cost_line(
        invest, user=world.alice, name="Build", kind="opex", values={2025: D("300")}
    )
    services.save_benefit_line(invest, user=world.alice, name="Savings", values={2026: D("500")})

    client.force_login(world.alice)
    url = f"/initiatives/{world.initiative.slug}/economic-case/economic-case.xlsx"
    summary = load_workbook(io.BytesIO(client.get(url).content))["Summary"]
    header = [cell.value for cell in summary[4]]
    rows = {
        row[0]: dict(zip(header, row, strict=True))
        for row in summary.iter_rows(min_row=5, values_only=True)
    }
    assert {
        key: rows["Invest"][key]
        for key in (
            "Incremental PV costs",
            "Incremental PV benefits",
            "Incremental NPSV",
            "Incremental BCR",
            "Value for money against business as usual",
        )
    } == {
        "Incremental PV costs": 200,
        "Incremental PV benefits": pytest.approx(483.09),
        "Incremental NPSV": pytest.approx(283.09),
        "Incremental BCR": pytest.approx(2.42),
        "Value for money against business as usual": "High",
    }
    assert "incremental benefit-cost ratio of 2.42" in rows["Invest"]["In words"]
    assert rows[baseline.name]["Incremental NPSV"] is None
