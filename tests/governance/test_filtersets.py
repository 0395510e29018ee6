"""The governance pages' filter sets: bodies by their or their collaboration's name, the
decisions log by an exact status (an unknown one matches nothing)."""

import datetime

from django.http import QueryDict

from realise.governance.filtersets import BodyFilter, DecisionFilter
from realise.governance.models import Decision, GovernanceBody, Meeting
from realise.governance.services import record_decision
from tests.factories import CollaborationFactory, GovernanceBodyFactory


def test_bodies_are_found_by_their_collaborations_name(world):
    other = GovernanceBodyFactory(
        collaboration=CollaborationFactory(name="Regional vetting"), name="Vetting board"
    )
    bodies = GovernanceBody.objects.all()
    assert list(BodyFilter(QueryDict("q=essex"), bodies).qs) == [world.board]
    assert list(BodyFilter(QueryDict("q=+vetting+board"), bodies).qs) == [other]
    assert BodyFilter(QueryDict("q=+"), bodies).qs.count() == bodies.count()


def test_decisions_by_status(world):
    meeting = Meeting.objects.create(body=world.board, date=datetime.date(2026, 3, 10))
    decision = record_decision(meeting, text="Buy body armour together", user=world.alice)
    decisions = Decision.objects.all()
    assert list(DecisionFilter(QueryDict(f"status={decision.status}"), decisions).qs) == [decision]
    assert not DecisionFilter(QueryDict("status=nonsense"), decisions).qs.exists()
    assert not DecisionFilter(QueryDict("body=no-such-body"), decisions).qs.exists()
