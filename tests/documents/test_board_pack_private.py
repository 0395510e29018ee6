"""The board pack of an open alliance's board, asked for by someone who may see the board
but not the private partnership nested in the alliance: none of the partnership's reviews,
nor the actions of a private decision, are in it, on a meeting day or any other day."""

import datetime

import pytest

from realise.collaborations.models import Agreement, Collaboration
from realise.documents.board_pack import build_board_pack
from realise.governance.models import Action, Decision, Meeting, PostImplementationReview
from tests.factories import CollaborationFactory, GovernanceBodyFactory, share

D = datetime.date
PRIVATE = ("EK s22A", "Brief counsel on the supplier", "Joint vetting")


@pytest.fixture
def alliance_board(world):
    alliance = CollaborationFactory(name="Eastern Alliance", slug="eastern", visibility="policing")
    for name, percent in (("Essex", "50"), ("Kent", "50")):
        share(alliance, name, percent)
    Collaboration.objects.filter(pk=world.collab.pk).update(parent=alliance)  # private, nested
    board = GovernanceBodyFactory(collaboration=alliance, name="Alliance Board", slug="ab")
    earlier = Meeting.objects.create(body=board, date=D(2026, 2, 10))
    Meeting.objects.create(body=board, date=D(2026, 3, 10))
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
    return board


@pytest.mark.parametrize("day", [D(2026, 3, 10), D(2026, 3, 12)], ids=["meeting", "no meeting"])
def test_the_pack_holds_nothing_of_the_private_partnership_for_an_outsider(
    world, alliance_board, day
):
    inside = str(build_board_pack(alliance_board, day, user=world.bob))  # Essex: a member
    assert [text for text in PRIVATE if text not in inside] == []

    outside = str(build_board_pack(alliance_board, day, user=world.nora))  # Norfolk
    assert [text for text in PRIVATE if text in outside] == []
