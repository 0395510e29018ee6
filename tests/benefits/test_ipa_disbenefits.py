"""Dis-benefits are never hidden by a filter that looks as if it shows only positives.

Joint vetting plans a £1,000 cashable saving identified in the business case, and a £100
dis-benefit (extra travel) that is neither cashable nor identified. Filters on cashable or
identified select benefits; the net figures of every cut that holds the dis-benefit count it
as negative, and the slices "non-cashable" and "not identified" show it too.
"""

import datetime
from decimal import Decimal

import pytest

from realise.benefits.realisation import RealisationFilter, breakdown, measure_summaries
from tests.factories import BenefitFactory, plan

D = Decimal
TODAY = datetime.date(2025, 7, 15)


def money(**cut):
    return measure_summaries(RealisationFilter(**cut), today=TODAY, include_trend=False)["money"]


@pytest.fixture
def mixed(world):
    world.benefit.cashable = True
    world.benefit.save()
    plan(world.benefit, datetime.date(2025, 4, 1), ["1000"])
    travel = BenefitFactory(
        initiative=world.initiative,
        title="Extra travel to the joint unit",
        is_disbenefit=True,
        cashable=False,
        identified_in_business_case=False,
    )
    plan(travel, datetime.date(2025, 4, 1), ["100"])
    return world


def test_the_whole_cut_nets_the_disbenefit(mixed):
    assert money().planned_total == D("900.00")


def test_slices_of_the_whole_show_the_disbenefit_as_negative(mixed):
    seen = money()
    assert seen.non_cashable.planned_total == D("-100.00")
    assert seen.not_identified.planned_total == D("-100.00")
    assert seen.cashable.planned_total == D("1000.00")


def test_a_filter_that_holds_the_disbenefit_nets_it(mixed):
    assert money(cashable=False).planned_total == D("-100.00")
    assert money(identified=False).planned_total == D("-100.00")
    assert money(subcategories=("1a",)).planned_total == D("900.00")
    assert money(initiative=mixed.initiative).planned_total == D("900.00")


def test_the_breakdown_nets_it_too(mixed):
    [row] = breakdown("initiative", today=TODAY)
    assert row.money.planned_total == D("900.00")
