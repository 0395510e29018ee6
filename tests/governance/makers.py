"""An open alliance whose board governs a private partnership nested in it (the Essex and
Kent collaboration of `tests/conftest.py`): what only the partnership's members may read
about it, for the agenda and board pack tests."""

import datetime
from dataclasses import dataclass

from realise.collaborations.models import Agreement, Collaboration
from realise.governance.models import Action, Decision, Meeting, PostImplementationReview
from tests.factories import CollaborationFactory, GovernanceBodyFactory, share

D = datetime.date


@dataclass
class AllianceBoard:
    board: object
    earlier: Meeting  # holds a private decision with an action
    march: Meeting


def alliance_over_private(world, **board_fields) -> AllianceBoard:
    """The open Eastern Alliance (Essex and Kent) with the private collaboration nested in
    it, its board, meetings in February and March 2026, the partnership's agreement ("EK
    s22A") due for review and its initiative's post-implementation review due in March, and
    a private decision of the board with an action ("Brief counsel on the supplier")."""
    alliance = CollaborationFactory(name="Eastern Alliance", slug="eastern", visibility="policing")
    for name, percent in (("Essex", "50"), ("Kent", "50")):
        share(alliance, name, percent)
    Collaboration.objects.filter(pk=world.collab.pk).update(parent=alliance)  # private, nested
    board = GovernanceBodyFactory(
        collaboration=alliance, name="Alliance Board", slug="alliance-board", **board_fields
    )
    earlier = Meeting.objects.create(body=board, date=D(2026, 2, 10))
    march = Meeting.objects.create(body=board, date=D(2026, 3, 10))
    Agreement.objects.create(
        collaboration=world.collab,
        title="EK s22A",
        signed_on=D(2025, 3, 20),
        review_due=D(2026, 3, 20),
    )
    PostImplementationReview.objects.create(initiative=world.initiative, due_on=D(2026, 3, 25))
    secret = Decision.objects.create(
        body=board,
        meeting=earlier,
        decided_on=earlier.date,
        text="Suspend the supplier",
        visibility="private",
    )
    Action.objects.create(decision=secret, text="Brief counsel on the supplier")
    return AllianceBoard(board, earlier, march)
