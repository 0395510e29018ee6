"""Each force's share of what a collaboration delivers, to the penny.

The Essex-Kent collaboration splits 47.3% to Essex and 52.7% to Kent. Today is
15 July 2025, so "to date" runs to the end of June 2025.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from realise.benefits.realisation import RealisationFilter, breakdown, force_breakdown, realisation
from realise.benefits.services import replace_benefit_shares
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    actual,
    force,
    plan,
)

D = Decimal
TODAY = datetime.date(2025, 7, 15)
ESSEX, KENT = "E23000028", "E23000032"


def month(year, number):
    return datetime.date(year, number, 1)


def test_a_value_recorded_for_a_force_belongs_to_that_force(world):
    actual(world.benefit, month(2025, 5), "300", force("Essex"))
    actual(world.benefit, month(2025, 5), "200", force("Kent"))
    forces = force_breakdown(today=TODAY)["money"]
    assert forces.actual_to_date == {ESSEX: D("300.00"), KENT: D("200.00")}


def test_a_collaboration_wide_value_is_split_by_the_collaborations_shares(world):
    actual(world.benefit, month(2025, 5), "100.01")
    forces = force_breakdown(today=TODAY)["money"]
    # Exact shares 47.304730 and 52.705270: the odd penny goes to the larger remainder.
    assert forces.actual_to_date == {ESSEX: D("47.30"), KENT: D("52.71")}


def test_the_split_is_of_each_benefits_total_not_of_each_month(world):
    actual(world.benefit, month(2025, 4), "0.01")
    actual(world.benefit, month(2025, 5), "0.01")
    # Month by month Kent would take both pennies; split on the 2p total, one each.
    forces = force_breakdown(today=TODAY)["money"]
    assert forces.actual_to_date == {ESSEX: D("0.01"), KENT: D("0.01")}


def test_a_benefits_own_split_replaces_the_collaborations(world):
    replace_benefit_shares(
        world.benefit, {force("Essex"): D("75"), force("Kent"): D("25")}, user=world.alice
    )
    actual(world.benefit, month(2025, 5), "1000")
    plan(world.benefit, month(2025, 6), ["800", "800"])
    forces = force_breakdown(today=TODAY)["money"]
    assert forces.actual_to_date == {ESSEX: D("750.00"), KENT: D("250.00")}
    assert forces.planned_total == {ESSEX: D("1200.00"), KENT: D("400.00")}
    assert forces.planned_to_date == {ESSEX: D("600.00"), KENT: D("200.00")}


def test_a_benefits_own_split_must_add_up_to_100(world):
    with pytest.raises(ValidationError, match="exactly 100"):
        replace_benefit_shares(
            world.benefit, {force("Essex"): D("75"), force("Kent"): D("20")}, user=world.alice
        )


def test_a_benefit_is_split_only_between_its_collaborations_forces(world):
    with pytest.raises(ValidationError, match="Norfolk is not a member"):
        replace_benefit_shares(
            world.benefit, {force("Essex"): D("50"), force("Norfolk"): D("50")}, user=world.alice
        )


def test_only_those_who_may_edit_the_benefit_may_change_its_split(world):
    with pytest.raises(PermissionDenied):
        replace_benefit_shares(world.benefit, {force("Essex"): D("100")}, user=world.dave)


def test_the_forces_shares_plus_the_unallocated_always_equal_the_whole(world):
    actual(world.benefit, month(2025, 5), "999.99")
    actual(world.benefit, month(2025, 6), "123.45", force("Kent"))
    no_shares = BenefitFactory(initiative=InitiativeFactory(collaboration=CollaborationFactory()))
    actual(no_shares, month(2025, 5), "10.00")
    result = realisation(today=TODAY)
    forces = result.money.forces
    assert forces.unallocated_actual_to_date == D("10.00")
    assert sum(forces.actual_to_date.values()) + forces.unallocated_actual_to_date == (
        result.money.actual_to_date
    )
    assert result.as_dict()["money"]["unallocated"]["actual_to_date"] == "10.00"


def test_a_dis_benefit_counts_against_each_forces_share(world):
    actual(world.benefit, month(2025, 5), "1000")
    cost = BenefitFactory(initiative=world.initiative, is_disbenefit=True)
    actual(cost, month(2025, 5), "100")
    forces = force_breakdown(today=TODAY)["money"]
    assert forces.actual_to_date == {
        ESSEX: D("473.00") - D("47.30"),
        KENT: D("527.00") - D("52.70"),
    }


def test_a_forces_view_is_its_share_and_agrees_with_the_national_split(world):
    plan(world.benefit, month(2025, 4), ["333.33"] * 6)
    for n, value in enumerate(["300.01", "310.07", "299.99"]):
        actual(world.benefit, month(2025, 4 + n), value)
    actual(world.benefit, month(2025, 5), "40.00", force("Essex"))
    national = realisation(today=TODAY).money.forces
    essex = realisation(RealisationFilter(force=force("Essex")), today=TODAY).money
    assert essex.actual_to_date == national.actual_to_date[ESSEX]
    assert essex.planned_total == national.planned_total[ESSEX]
    assert essex.planned_to_date == national.planned_to_date[ESSEX]
    # 47.3% of 910.07 is 430.463..., so 430.46, plus Essex's own £40.
    assert essex.actual_to_date == D("470.46")
    assert sum(m.actual for m in essex.months if m.actual is not None) == essex.actual_to_date
    assert sum(m.planned for m in essex.months) == essex.planned_total
    assert essex.forces.actual_to_date == {ESSEX: D("470.46")}


def test_a_forces_months_add_up_to_its_share_of_the_total(world):
    actual(world.benefit, month(2025, 4), "0.01")
    actual(world.benefit, month(2025, 5), "0.01")
    essex = realisation(RealisationFilter(force=force("Essex")), today=TODAY).money
    assert [(m.label, m.actual) for m in essex.months] == [
        ("2025-04", D("0.00")),
        ("2025-05", D("0.01")),
    ]


def test_a_force_sees_only_collaborations_it_belongs_to(world):
    actual(world.benefit, month(2025, 5), "1000")
    norfolk = realisation(RealisationFilter(force=force("Norfolk")), today=TODAY).money
    assert norfolk.actual_to_date == D("0")


def test_breakdown_by_collaboration_for_a_force(world):
    plan(world.benefit, month(2025, 6), ["1000"])
    actual(world.benefit, month(2025, 6), "1000")
    rows = breakdown("collaboration", RealisationFilter(force=force("Kent")), today=TODAY)
    assert [(r.slug, r.money.planned_total, r.money.actual_to_date) for r in rows] == [
        ("ek", D("527.00"), D("527.00"))
    ]


def test_a_forces_trend_forecast_projects_its_share_of_recent_actuals(world):
    plan(world.benefit, month(2025, 4), ["1000"] * 6)
    for n in range(3):
        actual(world.benefit, month(2025, 4 + n), "1000")
    finished = BenefitFactory(initiative=world.initiative)  # recent actuals, no plan to come
    actual(finished, month(2025, 6), "500")
    essex = realisation(RealisationFilter(force=force("Essex")), today=TODAY).money
    # Essex: 47.3% of £3,500 to date = 1655.50; then £473 a month for 3 more months.
    assert essex.actual_to_date == D("1655.50")
    assert essex.trend_forecast_total == D("3074.50")
    national = realisation(today=TODAY).money
    assert national.trend_forecast_total == D("6500.00")
