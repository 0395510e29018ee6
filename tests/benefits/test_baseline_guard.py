"""Once a plan is baselined, every way in refuses to re-profile it outside a change request."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from realise.benefits.baselines import baselined_among, freeze_baseline, is_baselined
from realise.benefits.models import PlanBaseline, PlannedValue
from realise.benefits.services import replace_plan
from tests.factories import BenefitFactory, InitiativeFactory, plan


@pytest.fixture
def baselined(world):
    plan(world.benefit, datetime.date(2026, 4, 1), ["1000", "1000"])
    freeze_baseline(world.initiative, approved_on=datetime.date(2026, 5, 1), user=world.alice)
    return world


def planned(world):
    return [(p.period_label, p.value) for p in PlannedValue.objects.filter(benefit=world.benefit)]


def test_the_plan_service_refuses_a_baselined_plan(baselined):
    before = planned(baselined)
    with pytest.raises(ValidationError, match="baselined: re-profile it through a change request"):
        replace_plan(
            baselined.benefit, {datetime.date(2026, 4, 1): Decimal("5")}, user=baselined.alice
        )
    assert planned(baselined) == before


def test_the_api_refuses_to_change_or_add_to_a_baselined_plan(baselined):
    client = APIClient()
    client.force_authenticate(baselined.alice)
    row = PlannedValue.objects.filter(benefit=baselined.benefit).first()
    response = client.patch(
        f"/api/v1/planned-values/{row.pk}/",
        {"value": "5.00", "version": row.version},
        format="json",
    )
    assert response.status_code == 400
    assert "baselined" in str(response.json())
    response = client.post(
        "/api/v1/planned-values/",
        {"benefit": baselined.benefit.pk, "period": "2026-06", "value": "7.00"},
        format="json",
    )
    assert response.status_code == 400
    response = client.delete(f"/api/v1/planned-values/{row.pk}/", HTTP_IF_MATCH=f'"{row.version}"')
    assert response.status_code == 400
    assert "change request" in response.json()["benefit"][0]
    assert planned(baselined) == [("2026-04", Decimal("1000.00")), ("2026-05", Decimal("1000.00"))]


def test_the_api_still_deletes_a_month_of_a_plan_without_a_baseline(world):
    plan(world.benefit, datetime.date(2026, 4, 1), ["1000", "1000"])
    client = APIClient()
    client.force_authenticate(world.alice)
    row = PlannedValue.objects.filter(benefit=world.benefit).first()
    deleted = client.delete(f"/api/v1/planned-values/{row.pk}/", HTTP_IF_MATCH=f'"{row.version}"')
    assert deleted.status_code == 204
    assert planned(world) == [("2026-05", Decimal("1000.00"))]


def test_a_plan_without_a_baseline_can_still_be_replaced(world):
    replace_plan(world.benefit, {datetime.date(2026, 4, 1): Decimal("5")}, user=world.alice)
    assert planned(world) == [("2026-04", Decimal("5.00"))]


def test_baselined_among_answers_as_is_baselined_for_each_benefit(world):
    """The import asks for a chunk's benefits at once: the same answer as one by one, for a
    plan baselined with its initiative, one baselined alone, and one not baselined."""
    other = InitiativeFactory(collaboration=world.collab, slug="other")
    alone, free = BenefitFactory(initiative=other), BenefitFactory(initiative=other)
    freeze_baseline(world.initiative, approved_on=datetime.date(2026, 5, 1), user=world.alice)
    PlanBaseline.objects.create(
        initiative=other, benefit=alone, approved_on=datetime.date(2026, 5, 1)
    )
    benefits = [world.benefit, alone, free]
    assert [is_baselined(b) for b in benefits] == [True, True, False]
    assert baselined_among(benefits) == {world.benefit.pk, alone.pk}
    assert baselined_among([]) == set()
