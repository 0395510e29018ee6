"""API filters: each view's filter set is built once, and each request is still filtered by
its own query string."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from realise.benefits.api import BenefitViewSet
from realise.benefits.models import PlannedValue
from realise.core.filtersets import FilterBackend
from tests.factories import BenefitFactory, InitiativeFactory, actual, force


def references(response):
    assert response.status_code == 200, response.content
    return sorted(row["reference"] for row in response.json()["results"])


def test_each_request_is_filtered_by_its_own_query_with_one_filter_set_class(world):
    other = InitiativeFactory(collaboration=world.collab, slug="shared-hr", stage=2)
    BenefitFactory(initiative=world.initiative, reference="EK-1")
    BenefitFactory(initiative=other, reference="HR-1")
    client = APIClient()
    client.force_authenticate(world.alice)

    first = references(client.get(f"/api/v1/benefits/?initiative={world.initiative.pk}"))
    second = references(client.get(f"/api/v1/benefits/?initiative={other.pk}"))
    everything = references(client.get("/api/v1/benefits/"))

    assert "EK-1" in first and "HR-1" not in first
    assert second == ["HR-1"]
    assert {"EK-1", "HR-1"} <= set(everything)
    built = [key for key in FilterBackend._classes if key[0] is BenefitViewSet]
    assert len(built) == 1


def test_a_bad_filter_value_is_still_refused_naming_the_field(world):
    client = APIClient()
    client.force_authenticate(world.alice)
    response = client.get("/api/v1/benefits/?initiative=not-a-number")
    assert response.status_code == 400
    assert "initiative" in response.json()


# Periods filtered as the API writes them: a month, YYYY-MM ------------------------------------


def periods(response):
    assert response.status_code == 200, response.content
    return sorted(row["period"] for row in response.json()["results"])


@pytest.fixture
def months(world):
    for month in (1, 2, 3):
        period = datetime.date(2026, month, 1)
        PlannedValue.objects.create(benefit=world.benefit, period=period, value=Decimal("10"))
        actual(world.benefit, period, "9", force("Essex"))
    client = APIClient()
    client.force_authenticate(world.alice)
    return client


@pytest.mark.parametrize("resource", ["measurements", "planned-values"])
def test_periods_are_filtered_by_month(world, months, resource):
    base = f"/api/v1/{resource}/?benefit={world.benefit.pk}"
    assert periods(months.get(f"{base}&period=2026-02")) == ["2026-02"]
    assert periods(months.get(f"{base}&period__lte=2026-02")) == ["2026-01", "2026-02"]
    assert periods(months.get(f"{base}&period__gte=2026-02")) == ["2026-02", "2026-03"]
    # A day, as before, is taken as its month.
    assert periods(months.get(f"{base}&period=2026-02-01")) == ["2026-02"]
    assert periods(months.get(f"{base}&period__gte=2026-02-15")) == ["2026-02", "2026-03"]


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "1000-01", "March"])
def test_a_period_that_is_not_a_month_is_refused_naming_it(world, months, value):
    response = months.get(f"/api/v1/measurements/?benefit={world.benefit.pk}&period__lte={value}")
    assert response.status_code == 400
    assert list(response.json()) == ["period__lte"]
