"""The demo's 7F Procurement shows what the alliance reported to the inspectorate."""

from decimal import Decimal

import pytest

from realise.benefits.realisation import RealisationFilter, realisation
from realise.collaborations.models import Initiative


@pytest.fixture
def procurement(demo_data, db):
    return realisation(RealisationFilter(initiative=Initiative.objects.get(slug="7f-procurement")))


def test_8455000_planned_over_four_years_in_the_business_case(procurement):
    assert procurement.money.identified.planned_total == Decimal("8455000.00")
    assert procurement.money.not_identified.planned_total == Decimal("0.00")
    assert procurement.as_dict()["money"]["identified"]["planned_total"] == "8455000.00"


def test_1150000_realised_that_the_business_case_never_identified(procurement):
    assert procurement.money.not_identified.actual_to_date == Decimal("1150000.00")
    assert procurement.as_dict()["money"]["not_identified"]["actual_to_date"] == "1150000.00"


def test_every_force_of_the_alliance_has_its_share(procurement):
    forces = procurement.money.forces
    assert len(forces.actual_to_date) == 7
    assert sum(forces.actual_to_date.values()) == procurement.money.actual_to_date
