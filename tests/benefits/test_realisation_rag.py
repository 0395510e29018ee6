"""RAG per benefit and rolled up, direction-aware, and "measurement overdue".

Green at 95% of cumulative plan to date or more, amber at 80% or more, red below.
Today is 15 July 2025 unless a test says otherwise ("to date": end of June 2025).
"""

import datetime
from decimal import Decimal

import pytest

from realise.benefits.realisation import (
    RealisationFilter,
    benefit_rag,
    last_overdue_month,
    rag_rollup,
    rag_rollups,
    realisation,
)
from tests.factories import BenefitFactory, actual, force, plan

D = Decimal
TODAY = datetime.date(2025, 7, 15)


def month(year, number):
    return datetime.date(year, number, 1)


def rag_of(benefit, today=TODAY):
    (row,) = [r for r in benefit_rag(today=today) if r.benefit_id == benefit.pk]
    return row


@pytest.mark.parametrize(
    ("delivered", "expected"),
    [("950", "green"), ("949.99", "amber"), ("800", "amber"), ("799.99", "red"), ("1200", "green")],
)
def test_savings_against_cumulative_plan(world, delivered, expected):
    plan(world.benefit, month(2025, 5), ["500", "500", "500"])  # May, June (to date), July
    actual(world.benefit, month(2025, 5), delivered)
    row = rag_of(world.benefit)
    assert row.rag == expected
    assert row.planned == D("1000") and row.actual == D(delivered)
    assert row.kind == "money"


def test_thresholds_are_settings(world, settings):
    settings.REALISE_RAG_GREEN = D("0.90")
    settings.REALISE_RAG_AMBER = D("0.50")
    plan(world.benefit, month(2025, 6), ["100"])
    actual(world.benefit, month(2025, 6), "91")
    assert rag_of(world.benefit).rag == "green"
    actual(world.benefit, month(2025, 6), "40", force("Kent"))  # now 131: still green
    assert rag_of(world.benefit).percent == D("131.00")


def test_savings_recorded_as_a_decrease_are_the_amount_saved(world):
    # 1a "decrease" benefits record the saving achieved: more is better.
    assert world.benefit.direction == "decrease"
    plan(world.benefit, month(2025, 6), ["100"])
    actual(world.benefit, month(2025, 6), "120")
    assert rag_of(world.benefit).rag == "green"


def test_nothing_due_yet_is_not_rated(world):
    plan(world.benefit, month(2025, 9), ["100"])
    assert rag_of(world.benefit).rag == "none"


def test_a_dis_benefit_is_green_while_it_stays_within_plan(world):
    cost = BenefitFactory(initiative=world.initiative, is_disbenefit=True)
    plan(cost, month(2025, 6), ["100"])
    actual(cost, month(2025, 6), "100")
    assert rag_of(cost).rag == "green"
    actual(cost, month(2025, 6), "20", force("Essex"))  # 120: 100/120 = 83%
    assert rag_of(cost).rag == "amber"


def level(world, direction, baseline, planned, measured, unit="count"):
    benefit = BenefitFactory(
        initiative=world.initiative,
        subcategory="2a",
        unit=unit,
        direction=direction,
        baseline_value=None if baseline is None else D(baseline),
    )
    plan(benefit, month(2025, 6), [planned])
    actual(benefit, month(2025, 6), measured)
    return rag_of(benefit)


def test_a_decrease_is_measured_by_the_share_of_the_planned_fall_achieved(world):
    # Backlog 1,840 planned to fall to 1,000 by June; at 1,100 it fell 740 of 840: 88%.
    row = level(world, "decrease", "1840", "1000", "1100")
    assert (row.kind, row.rag, row.percent) == ("level", "amber", D("88.10"))
    assert level(world, "decrease", "1840", "1000", "950").rag == "green"
    assert level(world, "decrease", "1840", "1000", "1700").rag == "red"


def test_an_increase_is_measured_by_the_share_of_the_planned_rise_achieved(world):
    # Compliance 86% planned to reach 96%: at 95% it rose 9 of 10 points.
    assert level(world, "increase", "86", "96", "95", unit="percent").rag == "amber"
    assert level(world, "increase", "86", "96", "96", unit="percent").rag == "green"
    assert level(world, "increase", None, "4.00", "3.00", unit="score").rag == "red"


def test_a_dis_benefit_level_planned_to_worsen_is_rated_against_the_plan(world):
    # Lead times of 3 days are expected to grow to 4: at 5 days, 4/5 = 80%.
    assert level(world, "decrease", "3", "4", "5").rag == "amber"
    assert level(world, "decrease", "3", "4", "4").rag == "green"


def test_maintain_stays_within_the_tolerance_of_the_baseline(world, settings):
    assert level(world, "maintain", "100", "100", "104").rag == "green"
    assert level(world, "maintain", "100", "100", "92").rag == "amber"
    assert level(world, "maintain", "100", "100", "111").rag == "red"
    settings.REALISE_MAINTAIN_TOLERANCE = D("0.10")
    assert level(world, "maintain", "100", "100", "92").rag == "green"


def test_a_level_recorded_by_forces_is_their_total(world):
    benefit = BenefitFactory(
        initiative=world.initiative,
        subcategory="2a",
        unit="count",
        direction="decrease",
        baseline_value=D("100"),
    )
    plan(benefit, month(2025, 5), ["80", "60"])
    actual(benefit, month(2025, 5), "10")  # an older month: not the latest
    actual(benefit, month(2025, 6), "30", force("Essex"))
    actual(benefit, month(2025, 6), "32", force("Kent"))
    row = rag_of(benefit)
    assert (row.planned, row.actual, row.latest_period) == (D("60"), D("62"), month(2025, 6))
    assert row.rag == "green"  # fell 38 of 40 planned: 95%


def test_qualitative_benefits_are_reported_by_status_not_rated(world):
    survey = BenefitFactory(
        initiative=world.initiative,
        subcategory="3a",
        nature="qualitative",
        unit="text",
        status="realising",
    )
    row = rag_of(survey)
    assert (row.kind, row.rag, row.status) == ("qualitative", "none", "realising")


def test_the_overdue_month_allows_the_grace_period():
    assert last_overdue_month(datetime.date(2025, 7, 1), 30) == month(2025, 5)
    assert last_overdue_month(datetime.date(2025, 6, 30), 30) == month(2025, 4)
    assert last_overdue_month(datetime.date(2025, 7, 15), 0) == month(2025, 6)
    assert last_overdue_month(datetime.date(2025, 7, 1), 0) == month(2025, 6)


def test_a_planned_month_without_an_actual_becomes_overdue_after_the_grace_period(world):
    plan(world.benefit, month(2025, 4), ["100", "100"])  # April and May
    actual(world.benefit, month(2025, 4), "100")
    # May ended on 31 May; 30 days' grace runs out on 30 June.
    assert not rag_of(world.benefit, today=datetime.date(2025, 6, 30)).measurement_overdue
    row = rag_of(world.benefit, today=datetime.date(2025, 7, 1))
    assert (row.measurement_overdue, row.overdue_months, row.first_overdue) == (
        True,
        1,
        month(2025, 5),
    )


def test_any_forces_actual_counts_as_measured(world, settings):
    settings.REALISE_MEASUREMENT_GRACE_DAYS = 0
    plan(world.benefit, month(2025, 5), ["100"])
    actual(world.benefit, month(2025, 5), "40", force("Kent"))
    assert not rag_of(world.benefit).measurement_overdue


def test_rollup_is_the_worst_rated_benefit_with_counts(world):
    plan(world.benefit, month(2025, 6), ["100"])
    actual(world.benefit, month(2025, 6), "100")
    late = BenefitFactory(initiative=world.initiative)
    plan(late, month(2025, 5), ["100"])
    BenefitFactory(initiative=world.initiative)  # nothing planned: not rated
    rows = benefit_rag(today=TODAY)
    assert [r.rag for r in rows] == ["red", "green", "none"]  # exceptions first
    rollup = rag_rollup(rows)
    assert rollup.overall == "red"
    assert rollup.counts == {"red": 1, "amber": 0, "green": 1, "none": 1}
    assert rollup.measurement_overdue == 1
    assert rag_rollups(rows)[world.initiative.pk].overall == "red"
    result = realisation(today=TODAY).as_dict()["rag"]
    assert result["overall"] == "red"
    assert result["money"] == "red"  # weighted: 100 of 200 planned to date
    assert result["benefits"][0]["measurement_overdue"] is True


def test_nothing_rated_rolls_up_to_none(world):
    assert rag_rollup(
        benefit_rag(RealisationFilter(subcategories=("3c",)), today=TODAY)
    ).overall == ("none")
