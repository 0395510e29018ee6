"""The collaborations list's filter set: words in the name or the purpose."""

from django.http import QueryDict

from realise.collaborations.filtersets import CollaborationFilter
from realise.collaborations.models import Collaboration
from tests.factories import CollaborationFactory


def test_collaborations_by_name_or_purpose(db):
    CollaborationFactory(slug="vetting", name="Regional vetting")
    CollaborationFactory(slug="roads", name="Roads", purpose="Share the motorway patrols.")

    def found(query):
        return sorted(
            c.slug for c in CollaborationFilter(QueryDict(query), Collaboration.objects).qs
        )

    assert found("q=VETTING") == ["vetting"]
    assert found("q=motorway") == ["roads"]
    assert found("q=") == ["roads", "vetting"]
