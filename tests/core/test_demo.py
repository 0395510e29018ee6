from decimal import Decimal

import pytest
from django.db.models import Sum

from realise.benefits.models import Benefit, Measurement, PlannedValue
from realise.collaborations.models import Collaboration, Initiative
from realise.demo import load_demo
from realise.organisations.models import Force


@pytest.fixture
def demo(demo_data, db):
    return Collaboration.objects.get(slug="7f")


def test_demo_is_idempotent(demo):
    counts = (Benefit.objects.count(), Measurement.objects.count(), PlannedValue.objects.count())
    assert load_demo() is False
    assert (
        Benefit.objects.count(),
        Measurement.objects.count(),
        PlannedValue.objects.count(),
    ) == counts


def test_demo_has_the_seven_forces_and_three_partnerships(demo):
    assert sorted(demo.forces.values_list("name", flat=True)) == [
        "Bedfordshire",
        "Cambridgeshire",
        "Essex",
        "Hertfordshire",
        "Kent",
        "Norfolk",
        "Suffolk",
    ]
    assert demo.shares.aggregate(total=Sum("percent"))["total"] == Decimal("100")
    partnerships = demo.children.filter(slug__in=["norfolk-suffolk", "bch", "kent-essex"])
    assert partnerships.count() == 3
    for partnership in partnerships:
        assert partnership.shares.aggregate(total=Sum("percent"))["total"] == Decimal("100")


def test_procurement_savings_match_the_7f_letter(demo):
    procurement = Initiative.objects.get(slug="7f-procurement")
    assert procurement.stage == 4
    planned = PlannedValue.objects.filter(
        benefit__initiative=procurement,
        benefit__subcategory__in=["1a", "1c"],
        benefit__identified_in_business_case=True,
    ).aggregate(total=Sum("value"))["total"]
    assert planned == Decimal("8455000.00")
    unidentified = Measurement.objects.filter(
        benefit__initiative=procurement, benefit__identified_in_business_case=False
    ).aggregate(total=Sum("value"))["total"]
    assert unidentified == Decimal("1150000.00")


def test_demo_covers_every_sub_category_and_stage_mix(demo):
    assert set(Benefit.objects.values_list("subcategory", flat=True)) == {
        "1a",
        "1b",
        "1c",
        "2a",
        "2b",
        "3a",
        "3b",
        "3c",
    }
    stages = dict(Initiative.objects.values_list("slug", "stage"))
    assert (
        stages.items()
        >= {
            "7f-procurement": 4,
            "7f-vetting-transformation": 2,
            "dams": 2,
            "regional-peqf-procurement": 5,
        }.items()
    )


def test_forty_three_forces_with_ons_codes(db):
    assert Force.objects.count() == 43
    assert Force.objects.get(ons_code="E23000028").name == "Essex"
    assert Force.objects.filter(region__name="Wales").count() == 4
