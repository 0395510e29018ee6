"""The board pack of an open alliance's board, asked for by someone who may see the board
but not the private partnership nested in the alliance: none of the partnership's reviews,
nor the actions of a private decision, are in it, on a meeting day or any other day."""

import datetime

import pytest

from realise.documents.board_pack import build_board_pack
from tests.governance.makers import alliance_over_private

D = datetime.date
PRIVATE = ("EK s22A", "Brief counsel on the supplier", "Joint vetting")


@pytest.fixture
def alliance_board(world):
    return alliance_over_private(world).board


@pytest.mark.parametrize("day", [D(2026, 3, 10), D(2026, 3, 12)], ids=["meeting", "no meeting"])
def test_the_pack_holds_nothing_of_the_private_partnership_for_an_outsider(
    world, alliance_board, day
):
    inside = str(build_board_pack(alliance_board, day, user=world.bob))  # Essex: a member
    assert [text for text in PRIVATE if text not in inside] == []

    outside = str(build_board_pack(alliance_board, day, user=world.nora))  # Norfolk
    assert [text for text in PRIVATE if text in outside] == []
