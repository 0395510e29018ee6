"""Words made in Python and shown on pages follow the page's language (#20): hours, who may
grant a role, and an actual named in a verification message."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from realise.benefits.models import Measurement
from realise.benefits.services import describe
from realise.core import formatting
from realise.organisations.rules import refusal_to_grant
from tests.factories import force


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def test_hours_read_in_the_language_of_the_page():
    with translation.override("cy"):
        assert formatting.hours(Decimal("1234.50")) == "1,234.5 awr"
        assert formatting.hours_short(Decimal("1234.5")) == "1,235 awr"
    assert formatting.hours(Decimal("1234.50")) == "1,234.5 hours"
    assert formatting.hours_short(Decimal("1234.5")) == "1,235 hours"


def test_who_may_grant_a_role_is_said_in_the_language_of_the_page(world):
    with translation.override("cy"):
        assert refusal_to_grant(world.dave, "viewer", None, []) == (
            "Dim ond gweinyddwyr a thimau rhaglen sy’n rhoi neu’n dirymu rolau."
        )
        assert refusal_to_grant(world.alice, "inspector", None, []) == (
            "Dim ond gweinyddwr a gaiff roi neu ddirymu rôl arolygydd."
        )
    assert refusal_to_grant(world.alice, "inspector", None, []) == (
        "Only an administrator may grant or revoke the inspector role."
    )


def test_an_actual_is_named_in_the_language_of_the_page(world):
    actual = Measurement(
        benefit=world.benefit, period=datetime.date(2026, 3, 1), force=force("South Wales")
    )
    whole = Measurement(benefit=world.benefit, period=datetime.date(2026, 3, 1))
    reference = world.benefit.reference
    with translation.override("cy"):
        assert describe(actual) == f"{reference} Mawrth 2026 (Heddlu De Cymru)"
        assert describe(whole) == f"{reference} Mawrth 2026 (y cydweithrediad cyfan)"
    assert describe(actual) == f"{reference} March 2026 (South Wales)"
    assert describe(whole) == f"{reference} March 2026 (whole collaboration)"
