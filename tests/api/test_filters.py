"""API filters: each view's filter set is built once, and each request is still filtered by
its own query string."""

from rest_framework.test import APIClient

from realise.benefits.api import BenefitViewSet
from realise.core.filtersets import FilterBackend
from tests.factories import BenefitFactory, InitiativeFactory


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
