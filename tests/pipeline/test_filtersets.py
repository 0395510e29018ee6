"""The pipeline's filter set: a bad value leaves the list unfiltered, and one
collaboration's pipeline ignores the collaboration asked for."""

from django.http import QueryDict
from django.test import RequestFactory

from realise.pipeline.filtersets import PipelineFilter
from realise.pipeline.models import Opportunity
from tests.factories import CollaborationFactory
from tests.pipeline.makers import opportunity


def test_bad_values_and_one_collaborations_pipeline(world):
    other = CollaborationFactory(slug="other")
    mine = opportunity(world.collab, "Shared fleet", "1000", 50)
    theirs = opportunity(other, "Shared custody", "1000", 50)
    request = RequestFactory().get("/")
    request.user = world.alice

    def found(query, within=None):
        chosen = PipelineFilter(
            QueryDict(query), Opportunity.objects.all(), request=request, within=within
        )
        return set(chosen.qs)

    assert found(f"collaboration={world.collab.slug}") == {mine}
    assert found(f"status=nonsense&collaboration={world.collab.slug}") == {mine, theirs}
    assert found(f"status={mine.status}&collaboration=other", within=world.collab) == {
        mine,
        theirs,
    }
