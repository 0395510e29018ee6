"""A governance body's page in Welsh (#20): how often it meets, whom its members represent
and why the calendar moved a meeting read in Welsh, and in English as before."""

import datetime

import pytest
from django.utils import translation

from realise.collaborations.models import Agreement, AgreementParty, PartyRole
from realise.governance.models import BodyMember
from realise.governance.services import generate_meetings
from realise.governance.workdays import why_not_working
from tests.factories import PersonFactory, force

D = datetime.date


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def welsh(client, user):
    client.force_login(user)
    client.post("/language/", {"language": "cy", "next": "/"})
    return client


@pytest.mark.parametrize(
    ("cadence", "every_weeks", "meets_from", "english", "cymraeg"),
    [
        ("monthly_weekday", None, D(2027, 1, 5), "Monthly, on the first Tuesday", None),
        (
            "monthly_weekday",
            None,
            D(2027, 1, 12),
            "Monthly, on the second Tuesday",
            "Bob mis, ar yr ail ddydd Mawrth",
        ),
        (
            "monthly_weekday",
            None,
            D(2027, 1, 29),
            "Monthly, on the last Friday",
            "Bob mis, ar y dydd Gwener olaf",
        ),
        ("weeks", 1, D(2027, 1, 6), "Weekly", "Bob wythnos"),
        ("weeks", 2, D(2027, 1, 6), "Every 2 weeks", "Bob 2 wythnos"),
        ("quarterly", None, D(2027, 1, 6), "Quarterly", "Bob chwarter"),
    ],
)
def test_how_often_a_body_meets_reads_in_the_language_of_the_page(
    world, cadence, every_weeks, meets_from, english, cymraeg
):
    board = world.board
    board.cadence, board.every_weeks, board.meets_from = cadence, every_weeks, meets_from
    with translation.override("en-gb"):
        assert board.cadence_text == english
    with translation.override("cy"):
        assert board.cadence_text == (cymraeg or "Bob mis, ar y dydd Mawrth cyntaf")


def test_the_body_page_in_welsh(client, world):
    board = world.board
    board.cadence, board.meets_from = "monthly_weekday", D(2027, 1, 5)
    board.save()
    BodyMember.objects.create(
        body=board,
        person=PersonFactory(name="Roger Hale"),
        represents_kind="pcc",
        represents_force=force("Essex"),
    )
    BodyMember.objects.create(
        body=board,
        person=PersonFactory(name="Pam Jones"),
        represents_kind="chief_constable",
        represents_force=force("Gwent"),
    )
    page = welsh(client, world.alice).get(board.get_absolute_url()).content.decode()
    assert "Bob mis, ar y dydd Mawrth cyntaf" in page
    assert "Comisiynydd Heddlu, Tân a Throseddu ar gyfer Essex" in page
    assert "Prif Gwnstabl Heddlu Gwent" in page
    assert "Monthly, on the first Tuesday" not in page and "Chief Constable of" not in page

    translation.activate("en-gb")
    english = client.post("/language/", {"language": "en-gb", "next": "/"})
    assert english.status_code == 302
    page = client.get(board.get_absolute_url()).content.decode()
    assert "Monthly, on the first Tuesday" in page
    assert "Police, Fire and Crime Commissioner for Essex" in page
    assert "Chief Constable of Gwent" in page


def test_an_agreements_parties_are_named_in_welsh(world):
    agreement = Agreement.objects.create(
        collaboration=world.collab,
        title="Section 22A",
        signed_on=D(2026, 1, 5),
        review_due=D(2027, 1, 5),
    )
    party = AgreementParty.objects.create(
        agreement=agreement, force=force("Kent"), role=PartyRole.CHIEF_CONSTABLE
    )
    with translation.override("cy"):
        assert str(party) == "Prif Gwnstabl Kent"
    with translation.override("en-gb"):
        assert str(party) == "Chief Constable of Kent"


def test_why_the_calendar_moved_a_meeting_reads_in_welsh(client, world):
    with translation.override("cy"):
        assert why_not_working(D(2027, 3, 27)) == "dydd Sadwrn"
        assert why_not_working(D(2026, 12, 28)) == "gŵyl banc (Gŵyl San Steffan (diwrnod yn ei le))"
    board = world.board
    board.cadence, board.meets_from = "monthly", D(2026, 11, 25)
    board.save()
    generate_meetings(board, start=D(2026, 12, 1), until=D(2027, 1, 31))
    christmas = board.meetings.get(cadence_date=D(2026, 12, 25))
    page = welsh(client, world.alice).get(christmas.get_absolute_url()).content.decode()
    assert "sef gŵyl banc (Dydd Nadolig)" in page
