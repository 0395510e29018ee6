"""The catalogue's filter set: collaborations by function (an unknown one is ignored) and
by a force or region sharing in them."""

from django.http import QueryDict

from realise.collaborations.models import Collaboration
from realise.knowledge.filtersets import CatalogueFilter
from tests.factories import CollaborationFactory, force, share


def catalogue(query: str) -> list[str]:
    return sorted(c.slug for c in CatalogueFilter(QueryDict(query), Collaboration.objects).qs)


def test_the_catalogue_by_function_force_and_region(db):
    vetting = CollaborationFactory(slug="vetting", function="vetting")
    roads = CollaborationFactory(slug="roads", function="roads_policing")
    share(vetting, "Essex", "100")
    share(roads, "Kent", "100")
    assert catalogue("function=vetting") == ["vetting"]
    assert catalogue("function=nonsense") == ["roads", "vetting"]
    assert catalogue(f"force={force('Kent').slug}") == ["roads"]
    assert catalogue(f"region={force('Essex').region.slug}") == ["vetting"]
    assert catalogue("region=nowhere") == []
