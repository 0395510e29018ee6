"""What a cut looks up once and reuses in its queries: the benefits with attributions among
those it counts (the rows of the others are summed whole, with no test for them), and the
forces. The figures are the same as when every attributed benefit is tested in every query.

Fewer recruits withdrawing saves £1,000 a month (April to June 2025), claimed 60% by joint
vetting and 30% by recruitment; fleet's saving has no attribution, and its tyre saving was
realised with no plan at all.
"""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db.models import Case, F

from realise.benefits.contributions import replace_attributions
from realise.benefits.realisation import RealisationFilter, realisation
from realise.benefits.realisation.cut import _Cut
from realise.organisations.models import Force
from tests.factories import BenefitFactory, InitiativeFactory, actual, force, plan

D = Decimal
TODAY = datetime.date(2025, 7, 15)


@pytest.fixture
def shared(world):
    world.recruitment = InitiativeFactory(collaboration=world.collab, name="Recruitment")
    world.fleet = InitiativeFactory(collaboration=world.collab, name="Fleet")
    outcome = BenefitFactory(
        initiative=world.initiative, subcategory="1c", title="Recruitment costs avoided"
    )
    plan(outcome, datetime.date(2025, 4, 1), ["1000"] * 3)
    for month in (4, 5, 6):
        actual(
            outcome, datetime.date(2025, month, 1), "1000", force("Essex") if month == 5 else None
        )
    replace_attributions(
        outcome, {world.initiative: D("60"), world.recruitment: D("30")}, user=world.alice
    )
    world.outcome = outcome
    world.fuel = BenefitFactory(initiative=world.fleet, title="Fuel card savings")
    plan(world.fuel, datetime.date(2025, 4, 1), ["500"] * 3)
    actual(world.fuel, datetime.date(2025, 4, 1), "450")
    actual(world.fuel, datetime.date(2025, 5, 1), "120", force("Kent"))
    world.tyres = BenefitFactory(initiative=world.fleet, title="Tyre contract")
    actual(world.tyres, datetime.date(2025, 5, 1), "75.55")
    return world


def cut(**filters):
    return _Cut.make(RealisationFilter(**filters), None, TODAY)


def test_a_cut_tests_only_the_attributed_benefits_it_counts(shared):
    assert cut().attributed() == [shared.outcome.pk]
    # The whole register's benefits are not listed: every attributed benefit is tested.
    assert cut().counted_attributed() == [shared.outcome.pk]
    assert cut(initiative=shared.recruitment).counted_attributed() == [shared.outcome.pk]
    assert cut(collaboration=shared.collab).counted_attributed() == [shared.outcome.pk]
    fleet = cut(initiative=shared.fleet)
    assert fleet.counted_attributed() == []
    # Its rows are summed whole: no test for a claimed share in its queries.
    assert fleet.value() == F("value")
    assert isinstance(cut(initiative=shared.recruitment).value(), Case)


def test_a_sum_over_benefits_none_of_them_attributed_takes_the_whole_value(shared):
    whole = cut(collaboration=shared.collab)
    assert whole.value_among([shared.tyres.pk, shared.fuel.pk]) == F("value")
    assert isinstance(whole.value_among([shared.tyres.pk, shared.outcome.pk]), Case)
    assert whole.value_among(whole.unplanned()) == F("value")
    # Benefits given as a query (too many to list) might be any: tested as the cut tests.
    assert isinstance(whole.value_among(whole.benefits().values("pk")), Case)


def test_the_figures_are_the_same_as_with_every_attributed_benefit_tested(shared):
    cuts = [
        {},
        {"collaboration": shared.collab},
        {"initiative": shared.initiative},
        {"initiative": shared.recruitment},
        {"initiative": shared.fleet},
        {"initiative": shared.fleet, "period_from": datetime.date(2025, 5, 1)},
        {"collaboration": shared.collab, "period_to": datetime.date(2025, 5, 1)},
        {"collaboration": shared.collab, "force": force("Essex")},
        {"initiative": shared.fleet, "force": force("Kent")},
    ]
    for filters in cuts:
        figures = realisation(RealisationFilter(**filters), today=TODAY).as_dict()
        with mock.patch.object(_Cut, "counted_attributed", _Cut.attributed):
            every = realisation(RealisationFilter(**filters), today=TODAY).as_dict()
        assert figures == every, filters
    fleet = realisation(RealisationFilter(initiative=shared.fleet), today=TODAY)
    assert fleet.money.actual_to_date == D("645.55")
    assert fleet.money.outside_plan == D("75.55")
    recruitment = realisation(RealisationFilter(initiative=shared.recruitment), today=TODAY)
    assert recruitment.money.actual_to_date == D("900.00")


def test_the_forces_are_read_once_per_cut(shared, django_assert_num_queries):
    made = cut()
    with django_assert_num_queries(1):
        forces = made.forces()
        assert made.forces() is forces
    expected = Force.objects.order_by("name").values_list("pk", "ons_code", "name")
    assert forces == list(expected)
