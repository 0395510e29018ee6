"""Tests for the Green Book appraisal engine.

Expected figures are worked out inside the tests by a different route from the
engine (year-by-year compounding, annuity formulas, numpy_financial.npv).
"""

import copy
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realise.appraisal import greenbook as gb
from realise.appraisal.greenbook import (
    AppraisalError,
    AppraisalInput,
    Line,
    appraise,
    discount_factor,
    discount_rate,
    evaluate,
    parse_input,
    vfm_category,
)

D = Decimal
PENNY = D("0.01")

# Rates by band, written out independently of the engine's tables:
# (first year of band, rate).  Year 0 is never discounted.
STANDARD_BANDS = [
    (1, "0.035"),
    (31, "0.03"),
    (76, "0.025"),
    (126, "0.02"),
    (201, "0.015"),
    (301, "0.01"),
]
HEALTH_BANDS = [
    (1, "0.015"),
    (31, "0.0129"),
    (76, "0.0107"),
    (126, "0.0086"),
    (201, "0.0064"),
    (301, "0.0043"),
]


def ref_rate(year, bands):
    rate = None
    for start, r in bands:
        if year >= start:
            rate = D(r)
    return rate


def ref_df(t, bands=STANDARD_BANDS):
    """Discount factor by compounding one year at a time."""
    with localcontext() as ctx:
        ctx.prec = 90
        growth = D(1)
        for year in range(1, t + 1):
            growth *= 1 + ref_rate(year, bands)
        return D(1) / growth


def example(**overrides):
    data = {
        "first_year": 2025,
        "costs": [{"name": "Build", "kind": "capex", "values": {"2025": "3000000"}}],
        "benefits": [
            {
                "name": "Cashable savings",
                "values": {str(year): "1000000" for year in range(2026, 2036)},
            }
        ],
    }
    data.update(overrides)
    return data


def year0(costs, benefits):
    """Input with one cost and one benefit, both in year 0 (undiscounted)."""
    return {
        "first_year": 2025,
        "costs": [{"name": "C", "kind": "opex", "values": {"2025": costs}}],
        "benefits": [{"name": "B", "values": {"2025": benefits}}],
    }


def close(a, b, tol=PENNY):
    return abs(D(a) - D(b)) <= tol


def agree(a, b, places=45):
    """True when two Decimals agree to ``places`` decimal places."""
    with localcontext() as ctx:
        ctx.prec = 100
        return abs(a - b) < D(1).scaleb(-places)


# --------------------------------------------------------------------------- #
# Worked example and discounting
# --------------------------------------------------------------------------- #


def test_required_worked_example():
    out = appraise(example())
    assert out["pv_costs"] == "3000000.00"
    assert out["pv_benefits"] == "8316605.32"
    assert out["npsv"] == "5316605.32"
    assert out["bcr"] == "2.77"
    assert out["vfm_category"] == "high"
    assert out["optimism_bias_pv"] == "0.00"


def test_worked_example_agrees_with_numpy_financial():
    out = appraise(example())
    flows = [-3_000_000] + [1_000_000] * 10
    assert close(out["npsv"], D(str(npf.npv(0.035, flows))))
    # Annuity formula for the benefits: A * (1 - v**n) / r.
    with localcontext() as ctx:
        ctx.prec = 50
        annuity = D(1_000_000) * (1 - D("1.035") ** -10) / D("0.035")
    assert close(out["pv_benefits"], annuity)


def test_output_shape():
    out = appraise(example())
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
    assert out["lines"][0] == {
        "name": "Build",
        "type": "cost",
        "pv": "3000000.00",
        "switching_value_pct": "177.22",
    }
    assert out["lines"][1]["type"] == "benefit"
    assert out["lines"][1]["pv"] == "8316605.32"
    assert [y["year"] for y in out["years"]] == list(range(2025, 2036))
    assert set(out["years"][0]) == {"year", "discount_factor", "costs", "benefits", "net", "pv_net"}
    assert out["years"][0]["discount_factor"] == "1.0000"
    assert out["years"][1] == {
        "year": 2026,
        "discount_factor": "0.9662",
        "costs": "0.00",
        "benefits": "1000000.00",
        "net": "1000000.00",
        "pv_net": "966183.57",
    }


def test_discount_factor_first_years():
    assert discount_factor(0) == 1
    with localcontext() as ctx:
        ctx.prec = 50
        assert agree(discount_factor(1), D(1) / D("1.035"))


def test_discount_factor_year_30_31_boundary():
    with localcontext() as ctx:
        ctx.prec = 80
        df30 = D(1) / (D("1.035") ** 30)
        df31 = D(1) / (D("1.035") ** 30 * D("1.03"))
        df32 = D(1) / (D("1.035") ** 30 * D("1.03") ** 2)
    assert agree(discount_factor(30), df30)
    assert agree(discount_factor(31), df31)
    assert agree(discount_factor(32), df32)
    assert agree(discount_factor(31), ref_df(31))
    # Against binary floating point as a sanity check on the statement itself.
    assert abs(float(discount_factor(31)) - 1 / (1.035**30 * 1.03)) < 1e-15


@pytest.mark.parametrize(
    ("t", "rate"),
    [
        (0, "0.035"),
        (30, "0.035"),
        (31, "0.03"),
        (75, "0.03"),
        (76, "0.025"),
        (125, "0.025"),
        (126, "0.02"),
        (200, "0.02"),
        (201, "0.015"),
        (300, "0.015"),
        (301, "0.01"),
        (1000, "0.01"),
    ],
)
def test_discount_rate_bands(t, rate):
    assert discount_rate(t) == D(rate)


@pytest.mark.parametrize("t", [1, 29, 30, 31, 75, 76, 125, 126, 200, 201, 300, 301, 450])
@pytest.mark.parametrize(
    ("schedule", "bands"), [("standard", STANDARD_BANDS), ("health", HEALTH_BANDS)]
)
def test_discount_factor_matches_year_by_year_compounding(t, schedule, bands):
    assert agree(discount_factor(t, schedule), ref_df(t, bands))


def test_long_horizon_crossing_75():
    # 1,000 a year in years 1..100: three annuities chained at the band edges.
    data = {
        "first_year": 2000,
        "costs": [],
        "benefits": [{"name": "Long", "values": {str(2000 + t): 1000 for t in range(1, 101)}}],
    }
    with localcontext() as ctx:
        ctx.prec = 60

        def annuity(rate, n):
            rate = D(rate)
            return (1 - (1 + rate) ** -n) / rate

        v30 = D("1.035") ** -30
        v75 = v30 * D("1.03") ** -45
        expected = 1000 * (
            annuity("0.035", 30) + v30 * annuity("0.03", 45) + v75 * annuity("0.025", 25)
        )
        by_loop = sum(1000 * ref_df(t) for t in range(1, 101))
    out = appraise(data)
    assert close(out["pv_benefits"], expected)
    assert close(out["pv_benefits"], by_loop)
    assert out["bcr"] is None
    assert out["years"][-1]["year"] == 2100
    assert out["years"][76]["discount_factor"] == str(
        ref_df(76).quantize(D("0.0001"), rounding=ROUND_HALF_UP)
    )


def test_health_schedule():
    data = example(discount_schedule="health")
    out = appraise(data)
    flows = [-3_000_000] + [1_000_000] * 10
    assert close(out["npsv"], D(str(npf.npv(0.015, flows))))
    with localcontext() as ctx:
        ctx.prec = 60
        expected_40 = D(1) / (D("1.015") ** 30 * D("1.0129") ** 10)
    assert agree(discount_factor(40, "health"), expected_40)
    assert discount_rate(31, "health") == D("0.0129")
    assert discount_rate(301, "health") == D("0.0043")


def test_health_schedule_long_horizon():
    data = {
        "first_year": 2025,
        "discount_schedule": "health",
        "costs": [],
        "benefits": [{"name": "B", "values": {"2065": "500"}}],
    }
    out = appraise(data)
    assert close(out["pv_benefits"], 500 * ref_df(40, HEALTH_BANDS))


# --------------------------------------------------------------------------- #
# Optimism bias
# --------------------------------------------------------------------------- #


def test_optimism_bias_number():
    out = appraise(example(optimism_bias={"capex": "0.24"}))
    assert out["pv_costs"] == "3720000.00"
    assert out["optimism_bias_pv"] == "720000.00"
    assert out["npsv"] == str(D("8316605.32") - D("3720000.00"))
    assert out["lines"][0]["pv"] == "3720000.00"
    assert out["years"][0]["costs"] == "3720000.00"
    assert out["vfm_category"] == "high"  # 8316605.32 / 3720000 = 2.2356...
    assert out["bcr"] == "2.24"


def test_optimism_bias_applies_only_to_its_kind():
    data = example(optimism_bias={"capex": 0.1})
    data["costs"].append({"name": "Run", "kind": "opex", "values": {"2026": "1035"}})
    out = appraise(data)
    # opex: 1035 discounted one year = 1000 exactly, no bias.
    assert out["lines"][1]["pv"] == "1000.00"
    assert out["optimism_bias_pv"] == "300000.00"
    assert out["pv_costs"] == "3301000.00"


@pytest.mark.parametrize(
    ("kind", "project_type", "fraction"),
    [
        ("capex", "standard_buildings", "0.24"),
        ("capex", "non_standard_buildings", "0.51"),
        ("capex", "standard_civil_engineering", "0.44"),
        ("capex", "non_standard_civil_engineering", "0.66"),
        ("capex", "equipment_development", "2.00"),
        ("opex", "outsourcing", "0.41"),
        ("opex", "standard_buildings", "0.24"),
        ("other", "non_standard_buildings", "0.51"),
    ],
)
def test_optimism_bias_project_types(kind, project_type, fraction):
    data = {
        "first_year": 2025,
        "optimism_bias": {kind: project_type},
        "costs": [{"name": "Spend", "kind": kind, "values": {"2026": "100000", "2027": "100000"}}],
        "benefits": [],
    }
    out = appraise(data)
    base = D(str(npf.npv(0.035, [0, 100000, 100000])))
    assert close(out["optimism_bias_pv"], base * D(fraction))
    assert close(out["pv_costs"], base * (1 + D(fraction)))


def test_project_type_table_matches_guidance():
    types = gb.OPTIMISM_BIAS_PROJECT_TYPES
    assert {k: (v.works_duration, v.capital_expenditure) for k, v in types.items()} == {
        "standard_buildings": (D("0.04"), D("0.24")),
        "non_standard_buildings": (D("0.39"), D("0.51")),
        "standard_civil_engineering": (D("0.20"), D("0.44")),
        "non_standard_civil_engineering": (D("0.25"), D("0.66")),
        "equipment_development": (D("0.54"), D("2.00")),
        "outsourcing": (None, None),
    }
    assert types["outsourcing"].operating_expenditure == D("0.41")


@pytest.mark.parametrize(
    ("bias", "message"),
    [
        ({"capex": "fancy_buildings"}, "optimism_bias.capex: 'fancy_buildings' is not a number"),
        ({"capex": "24"}, "optimism_bias.capex: must be a fraction from 0 to 2"),
        ({"capex": "-0.1"}, "optimism_bias.capex: must be a fraction from 0 to 2"),
        ({"opex": None}, "optimism_bias.opex: None is not a number"),
        ({"capital": "0.2"}, "optimism_bias.capital: unknown cost kind"),
        ("0.24", "optimism_bias: must be an object"),
    ],
)
def test_optimism_bias_errors(bias, message):
    with pytest.raises(AppraisalError) as info:
        appraise(example(optimism_bias=bias))
    assert str(info.value).startswith(message)


# --------------------------------------------------------------------------- #
# Nominal prices
# --------------------------------------------------------------------------- #


DEFLATORS = {"2024": "97.6", "2025": "100", "2026": "102", "2027": "104.04"}


def test_nominal_prices_are_deflated_to_base_year():
    data = {
        "first_year": 2025,
        "deflators": DEFLATORS,
        "costs": [
            {"name": "Build", "kind": "capex", "prices": "nominal", "values": {"2027": "104040"}}
        ],
        "benefits": [{"name": "B", "prices": "nominal", "values": {"2026": "1020"}}],
    }
    out = appraise(data)
    # 1020 nominal in 2026 is 1000 in 2025 prices; discounted one year.
    assert out["years"][1]["benefits"] == "1000.00"
    assert close(out["pv_benefits"], D(1000) / D("1.035"))
    # 104040 nominal in 2027 is 100000 in 2025 prices.
    assert out["years"][2]["costs"] == "100000.00"
    assert close(out["pv_costs"], D(100000) / D("1.035") ** 2)


def test_nominal_prices_with_later_base_year():
    data = {
        "first_year": 2025,
        "price_base_year": 2026,
        "deflators": DEFLATORS,
        "prices": "nominal",
        "costs": [],
        "benefits": [
            {"name": "N", "values": {"2025": "1000"}},
            {"name": "R", "prices": "real", "values": {"2025": "1000"}},
        ],
    }
    out = appraise(data)
    assert out["lines"][0]["pv"] == "1020.00"
    assert out["lines"][1]["pv"] == "1000.00"


def test_nominal_with_bias_biases_real_value():
    data = {
        "first_year": 2025,
        "deflators": DEFLATORS,
        "optimism_bias": {"capex": "0.5"},
        "costs": [
            {"name": "Build", "kind": "capex", "prices": "nominal", "values": {"2026": "1035"}}
        ],
        "benefits": [],
    }
    out = appraise(data)
    real = D(1035) * 100 / 102
    assert close(out["pv_costs"], real * D("1.5") / D("1.035"))
    assert close(out["optimism_bias_pv"], real * D("0.5") / D("1.035"))


@pytest.mark.parametrize(
    ("deflators", "message"),
    [
        ({"2025": "100", "2026": "102"}, "deflators: missing year 2027 for nominal line 'Build'"),
        (
            {"2026": "102", "2027": "104"},
            "deflators: missing price_base_year 2025 for nominal line 'Build'",
        ),
        (None, "deflators: required for nominal line 'Build'"),
        ({"2025": "100", "2026": "0", "2027": "1"}, "deflators.2026: must be greater than 0"),
        ({"2025": "x"}, "deflators.2025: 'x' is not a number"),
    ],
)
def test_nominal_deflator_errors(deflators, message):
    data = {
        "first_year": 2025,
        "costs": [
            {
                "name": "Build",
                "kind": "capex",
                "prices": "nominal",
                "values": {"2026": "1", "2027": "1"},
            }
        ],
        "benefits": [],
    }
    if deflators is not None:
        data["deflators"] = deflators
    with pytest.raises(AppraisalError) as info:
        appraise(data)
    assert str(info.value) == message


# --------------------------------------------------------------------------- #
# BCR and value for money
# --------------------------------------------------------------------------- #


def test_bcr_none_without_costs():
    out = appraise(example(costs=[]))
    assert out["bcr"] is None
    assert out["vfm_category"] is None
    assert out["pv_costs"] == "0.00"
    assert out["npsv"] == "8316605.32"
    assert out["lines"][0]["switching_value_pct"] == "-100.00"


def test_bcr_none_when_costs_net_to_zero():
    data = year0("0", "100")
    out = appraise(data)
    assert out["bcr"] is None
    assert out["vfm_category"] is None
    assert out["lines"][0]["switching_value_pct"] is None


@pytest.mark.parametrize(
    ("costs", "benefits", "bcr", "category"),
    [
        ("100", "-10", "-0.10", "negative"),
        ("100", "0", "0.00", "poor"),
        ("100", "99.99", "1.00", "poor"),
        ("100", "100", "1.00", "low"),
        ("100", "149.99", "1.50", "low"),
        ("100", "150", "1.50", "medium"),
        ("100", "199.999", "2.00", "medium"),
        ("100", "200", "2.00", "high"),
        ("100", "399.999", "4.00", "high"),
        ("100", "400", "4.00", "very high"),
        ("100", "1000000", "10000.00", "very high"),
    ],
)
def test_vfm_category_boundaries(costs, benefits, bcr, category):
    out = appraise(year0(costs, benefits))
    assert out["bcr"] == bcr
    assert out["vfm_category"] == category


@pytest.mark.parametrize(
    ("bcr", "category"),
    [
        (None, None),
        (D("-0.0001"), "negative"),
        (D("0"), "poor"),
        (D("0.9999999999"), "poor"),
        (D("1"), "low"),
        (D("1.4999999999"), "low"),
        (D("1.5"), "medium"),
        (D("1.9999999999"), "medium"),
        (D("2"), "high"),
        (D("3.9999999999"), "high"),
        (D("4"), "very high"),
    ],
)
def test_vfm_category_function(bcr, category):
    assert vfm_category(bcr) == category


def test_discounted_bcr_exactly_one_is_low():
    # Cost 1000 in year 0 against benefit 1035 in year 1: both PV 1000.
    data = {
        "first_year": 2025,
        "costs": [{"name": "C", "kind": "capex", "values": {"2025": "1000"}}],
        "benefits": [{"name": "B", "values": {"2026": "1035"}}],
    }
    result = evaluate(parse_input(data))
    assert result.bcr == 1
    assert result.vfm_category == "low"


# --------------------------------------------------------------------------- #
# Switching values
# --------------------------------------------------------------------------- #


def scaled(data, group, index, factor):
    data = copy.deepcopy(data)
    line = data[group][index]
    with localcontext() as ctx:
        ctx.prec = 60
        line["values"] = {year: str(D(str(v)) * factor) for year, v in line["values"].items()}
    return data


SWITCHING_INPUT = {
    "first_year": 2025,
    "deflators": DEFLATORS,
    "optimism_bias": {"capex": "standard_buildings", "opex": "0.1"},
    "costs": [
        {"name": "Build", "kind": "capex", "values": {"2025": "2500000", "2026": "500000"}},
        {
            "name": "Run",
            "kind": "opex",
            "prices": "nominal",
            "values": {"2026": "80000", "2027": "82000"},
        },
    ],
    "benefits": [
        {"name": "Savings", "values": {str(y): "700000" for y in range(2026, 2031)}},
        {"name": "Wellbeing", "values": {"2027": "150000", "2028": "150000"}},
    ],
}


@pytest.mark.parametrize(
    ("group", "index", "position"),
    [("costs", 0, 0), ("costs", 1, 1), ("benefits", 0, 2), ("benefits", 1, 3)],
)
def test_switching_value_brings_npsv_to_zero(group, index, position):
    result = evaluate(parse_input(SWITCHING_INPUT))
    assert result.npsv != 0
    pct = result.lines[position].switching_value_pct
    with localcontext() as ctx:
        ctx.prec = 60
        factor = 1 + pct / 100
    rerun = evaluate(parse_input(scaled(SWITCHING_INPUT, group, index, factor)))
    assert abs(rerun.npsv) < D("1e-30")
    assert appraise(scaled(SWITCHING_INPUT, group, index, factor))["npsv"] == "0.00"
    # The rounded percentage is reported and lands within a fraction of a percent.
    shown = appraise(SWITCHING_INPUT)["lines"][position]["switching_value_pct"]
    assert shown == str(pct.quantize(D("0.01"), rounding=ROUND_HALF_UP))


def test_switching_value_formula_by_hand():
    out = appraise(example())
    npsv = D("5316605.32")
    assert close(out["lines"][0]["switching_value_pct"], npsv / 3_000_000 * 100)
    assert close(out["lines"][1]["switching_value_pct"], -npsv / D("8316605.32") * 100)


def test_switching_value_for_cost_uses_biased_pv():
    data = example(optimism_bias={"capex": "0.24"})
    result = evaluate(parse_input(data))
    cost = result.lines[0]
    assert cost.pv == D("3720000")
    assert cost.pv_before_bias == D("3000000")
    assert cost.optimism_bias_pv == D("720000")
    with localcontext() as ctx:
        ctx.prec = 60
        assert cost.switching_value_pct == result.npsv / D("3720000") * 100


# --------------------------------------------------------------------------- #
# Rounding and number handling
# --------------------------------------------------------------------------- #


def test_money_rounds_half_up():
    data = {
        "first_year": 2025,
        "costs": [],
        "benefits": [{"name": "B", "values": {"2025": "1000.005"}}],
    }
    out = appraise(data)
    assert out["pv_benefits"] == "1000.01"  # half-even would give 1000.00
    data["benefits"][0]["values"]["2025"] = "1000.015"
    assert appraise(data)["pv_benefits"] == "1000.02"
    data["benefits"][0]["values"]["2025"] = "1000.0049999"
    assert appraise(data)["pv_benefits"] == "1000.00"


def test_negative_money_rounds_away_from_zero_and_no_negative_zero():
    data = {
        "first_year": 2025,
        "costs": [],
        "benefits": [{"name": "B", "values": {"2025": "-2.345"}}],
    }
    assert appraise(data)["pv_benefits"] == "-2.35"
    data["benefits"][0]["values"]["2025"] = "-0.004"
    out = appraise(data)
    assert out["pv_benefits"] == "0.00"
    assert out["npsv"] == "0.00"


def test_bcr_rounds_half_up():
    out = appraise(year0("1000", "1125"))
    assert out["bcr"] == "1.13"  # 1.125 exactly
    assert out["vfm_category"] == "low"
    out = appraise(year0("1000", "1135"))
    assert out["bcr"] == "1.14"  # 1.135 exactly


def test_switching_value_rounds_half_up():
    # NPSV 1.005 against a cost PV of 100: exactly 1.005%.
    out = appraise(year0("100", "101.005"))
    assert out["lines"][0]["switching_value_pct"] == "1.01"
    # Against the benefit PV of 101.005 the change is -0.99502...%.
    assert out["lines"][1]["switching_value_pct"] == "-1.00"
    # NPSV -1.25 against a cost PV of 1000: exactly -0.125%, away from zero.
    out = appraise(year0("1000", "998.75"))
    assert out["lines"][0]["switching_value_pct"] == "-0.13"


def test_discount_factor_shown_to_four_places():
    out = appraise(example())
    assert [y["discount_factor"] for y in out["years"][:4]] == [
        "1.0000",
        "0.9662",
        "0.9335",
        "0.9019",
    ]


def test_float_amounts_use_their_decimal_text():
    data = {"first_year": 2025, "costs": [], "benefits": [{"name": "B", "values": {"2025": 0.1}}]}
    result = evaluate(parse_input(data))
    assert result.pv_benefits == D("0.1")


def test_years_table_runs_to_last_year_with_values():
    data = {
        "first_year": 2025,
        "costs": [{"name": "C", "kind": "other", "values": {"2026": 50}}],
        "benefits": [{"name": "B", "values": {"2029": "0"}}],
    }
    out = appraise(data)
    assert [y["year"] for y in out["years"]] == [2025, 2026, 2027, 2028, 2029]
    assert out["years"][0]["costs"] == "0.00"
    assert out["years"][1]["net"] == "-50.00"
    assert appraise({"first_year": 2025, "costs": [], "benefits": []})["years"] == []


def test_year_pv_net_sums_to_npsv():
    result = evaluate(parse_input(SWITCHING_INPUT))
    with localcontext() as ctx:
        ctx.prec = 60
        total = sum(y.pv_net for y in result.years)
    assert abs(total - result.npsv) < D("1e-40")


def test_integer_year_keys_accepted():
    data = {"first_year": "2025", "costs": [], "benefits": [{"name": "B", "values": {2026: 1035}}]}
    assert appraise(data)["pv_benefits"] == "1000.00"


# --------------------------------------------------------------------------- #
# Validation
# --------------------------------------------------------------------------- #


def mutate(change):
    data = copy.deepcopy(SWITCHING_INPUT)
    change(data)
    return data


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set(["costs", 0, "values", "2025"], "abc"),
            "costs[0].values.2025: 'abc' is not a number",
        ),
        (
            _set(["costs", 0, "values", "2025"], "NaN"),
            "costs[0].values.2025: 'NaN' is not a finite number",
        ),
        (_set(["costs", 0, "values", "2025"], True), "costs[0].values.2025: True is not a number"),
        (_set(["costs", 0, "values", "2025"], [1]), "costs[0].values.2025: [1] is not a number"),
        (_set(["costs", 0, "values", "2025"], "1e30"), "costs[0].values.2025: '1e30' is too large"),
        (
            _set(["benefits", 1, "values", "2020"], "5"),
            "benefits[1].values: year 2020 is before first_year 2025",
        ),
        (
            _set(["benefits", 1, "values", "twenty"], "5"),
            "benefits[1].values: 'twenty' is not a year",
        ),
        (
            _set(["benefits", 1, "values", "4025"], "5"),
            "benefits[1].values: year 4025 is more than 1000 years",
        ),
        (_set(["benefits", 1, "values"], ["5"]), "benefits[1].values: must be an object"),
        (_set(["discount_schedule"], "low"), "discount_schedule: must be one of standard, health"),
        (_set(["discount_schedule"], 3), "discount_schedule: must be one of standard, health"),
        (_delete(["first_year"]), "first_year: required"),
        (_set(["first_year"], "soon"), "first_year: 'soon' is not a year"),
        (_set(["first_year"], 2025.5), "first_year: 2025.5 is not a year"),
        (_set(["first_year"], True), "first_year: True is not a year"),
        (_set(["price_base_year"], "x"), "price_base_year: 'x' is not a year"),
        (_delete(["costs"]), "costs: required"),
        (_delete(["benefits"]), "benefits: required"),
        (_set(["costs"], {}), "costs: must be a list"),
        (_set(["benefits"], "none"), "benefits: must be a list"),
        (_set(["colour"], "blue"), "colour: unknown key"),
        (_set(["prices"], "current"), "prices: must be one of real, nominal"),
        (_set(["costs", 0, "kind"], "capital"), "costs[0].kind: must be one of capex, opex, other"),
        (_delete(["costs", 0, "kind"]), "costs[0].kind: required"),
        (_delete(["costs", 1, "name"]), "costs[1].name: required"),
        (_set(["costs", 1, "name"], "  "), "costs[1].name: must be a non-empty string"),
        (_set(["benefits", 0, "name"], 5), "benefits[0].name: must be a non-empty string"),
        (_set(["benefits", 0, "kind"], "capex"), "benefits[0].kind: unknown key"),
        (_set(["benefits", 0, "value"], {}), "benefits[0].value: unknown key"),
        (
            _set(["benefits", 0, "prices"], "cash"),
            "benefits[0].prices: must be one of real, nominal",
        ),
        (_set(["costs", 0], "Build"), "costs[0]: must be an object"),
    ],
)
def test_validation_errors_name_the_field(change, message):
    with pytest.raises(AppraisalError) as info:
        appraise(mutate(change))
    text = str(info.value)
    assert text.startswith(message)
    assert "\n" not in text


def test_input_must_be_object():
    with pytest.raises(AppraisalError, match="^input: must be a JSON object$"):
        appraise([])


def test_missing_values_means_zero():
    data = {"first_year": 2025, "costs": [{"name": "Nothing yet", "kind": "capex"}], "benefits": []}
    out = appraise(data)
    assert out["lines"][0]["pv"] == "0.00"
    assert out["lines"][0]["switching_value_pct"] is None
    assert out["bcr"] is None


def test_discount_factor_rejects_bad_arguments():
    with pytest.raises(AppraisalError, match="discount_schedule"):
        discount_factor(3, "generous")
    with pytest.raises(AppraisalError):
        discount_factor(-1)


# --------------------------------------------------------------------------- #
# Building the input in code (as the web application does)
# --------------------------------------------------------------------------- #


def test_programmatic_input():
    inp = AppraisalInput(
        first_year=2025,
        costs=(Line("Build", {2025: D("3000000")}, kind="capex"),),
        benefits=(Line("Cashable savings", {y: D("1000000") for y in range(2026, 2036)}),),
    )
    result = evaluate(inp)
    assert result.to_dict() == appraise(example())
    assert result.npsv.quantize(PENNY) == D("5316605.32")


def test_programmatic_input_is_validated():
    inp = AppraisalInput(first_year=2025, costs=(Line("Build", {2025: D(1)}, kind="land"),))
    with pytest.raises(AppraisalError, match=r"^costs\[0\]\.kind: must be one of"):
        evaluate(inp)
    inp = AppraisalInput(first_year=2025, benefits=(Line("B", {2025: 1}),))
    with pytest.raises(AppraisalError, match=r"^benefits\[0\]\.values\.2025: 1 is not a Decimal"):
        evaluate(inp)


def test_render_table_contains_figures():
    text = gb.render_table(appraise(example()))
    assert "5316605.32" in text
    assert "Cashable savings" in text
    assert "high" in text


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #

amounts = st.decimals(
    min_value=D("-1e9"), max_value=D("1e9"), places=2, allow_nan=False, allow_infinity=False
)
value_maps = st.dictionaries(st.integers(min_value=0, max_value=120), amounts, max_size=6)


@st.composite
def appraisal_inputs(draw):
    first_year = draw(st.integers(min_value=1990, max_value=2100))
    schedule = draw(st.sampled_from(["standard", "health"]))
    kinds = st.sampled_from(["capex", "opex", "other"])
    costs = [
        {
            "name": f"C{i}",
            "kind": draw(kinds),
            "values": {str(first_year + t): str(v) for t, v in draw(value_maps).items()},
        }
        for i in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    benefits = [
        {
            "name": f"B{i}",
            "values": {str(first_year + t): str(v) for t, v in draw(value_maps).items()},
        }
        for i in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    data = {
        "first_year": first_year,
        "discount_schedule": schedule,
        "costs": costs,
        "benefits": benefits,
    }
    if draw(st.booleans()):
        data["optimism_bias"] = {
            "capex": str(draw(st.decimals(min_value=0, max_value=2, places=2))),
            "opex": draw(st.sampled_from(sorted(gb.OPTIMISM_BIAS_PROJECT_TYPES))),
        }
    return data


@settings(max_examples=75, deadline=None)
@given(appraisal_inputs())
def test_property_npsv_is_benefits_minus_costs(data):
    result = evaluate(parse_input(data))
    with localcontext() as ctx:
        ctx.prec = gb.PRECISION
        assert result.npsv == result.pv_benefits - result.pv_costs
        assert result.pv_costs == sum(
            (line.pv for line in result.lines if line.type == "cost"), D(0)
        )
    out = result.to_dict()
    assert abs(D(out["npsv"]) - (D(out["pv_benefits"]) - D(out["pv_costs"]))) <= PENNY


@settings(max_examples=75, deadline=None)
@given(appraisal_inputs(), st.decimals(min_value=D("-50"), max_value=D("50"), places=3))
def test_property_scaling_all_values_scales_npsv(data, k):
    base = evaluate(parse_input(data))
    scaled_data = copy.deepcopy(data)
    for line in scaled_data["costs"] + scaled_data["benefits"]:
        line["values"] = {year: str(D(v) * k) for year, v in line["values"].items()}
    result = evaluate(parse_input(scaled_data))
    with localcontext() as ctx:
        ctx.prec = gb.PRECISION
        expected = base.npsv * k
    assert abs(result.npsv - expected) <= D("1e-35") * max(D(1), abs(expected))
