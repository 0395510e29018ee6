"""Pipeline totals against worked examples computed by hand.

The risk-weighted total is the sum of every most likely x confidence / 100, rounded once,
half up, to the penny; each opportunity's own figure is rounded the same way. Money and
hours are totalled apart.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from realise.pipeline.models import Opportunity, OpportunityStatus, risk_weighted
from realise.pipeline.services import money_and_hours, totals
from tests.pipeline.makers import opportunity


@pytest.fixture
def pipeline(world):
    c = world.collab
    opportunity(c, "Shared fuel cards", "1234.56", 33)  # 407.4048
    opportunity(c, "Stationery framework", "0.15", 50)  # 0.075
    opportunity(c, "National vehicle framework", "2000000.00", 70)  # 1,400,000
    opportunity(c, "Print contract", "0.15", 50)  # 0.075
    opportunity(c, "Shared scheduling", "100.50", 25, unit="hours")  # 25.125
    opportunity(c, "Joint rota", "40", 100, unit="hours")  # 40
    return c


def test_money_totals_are_exact_and_rounded_once(pipeline):
    money = totals(Opportunity.objects.all(), "GBP")
    assert money.count == 4
    # 1,234.56 + 0.15 + 2,000,000.00 + 0.15
    assert money.most_likely_total == Decimal("2001234.86")
    # 407.4048 + 0.075 + 1,400,000 + 0.075 = 1,400,407.5548
    assert money.risk_weighted_total == Decimal("1400407.55")


def test_the_total_is_not_the_sum_of_rounded_rows(pipeline):
    """Each 0.15 at 50% shows as 0.08 (half up), but together they are 0.15, not 0.16."""
    rows = Opportunity.objects.filter(title__in=["Stationery framework", "Print contract"])
    assert [o.risk_weighted for o in rows] == [Decimal("0.08"), Decimal("0.08")]
    assert totals(rows, "GBP").risk_weighted_total == Decimal("0.15")


def test_hours_are_totalled_apart_from_money(pipeline):
    found = money_and_hours(Opportunity.objects.all())
    assert found["hours"].count == 2
    assert found["hours"].most_likely_total == Decimal("140.50")
    # 25.125 + 40 = 65.125, half up
    assert found["hours"].risk_weighted_total == Decimal("65.13")
    assert found["money"].most_likely_total == Decimal("2001234.86")


def test_half_a_penny_rounds_up():
    assert risk_weighted(Decimal("0.05"), 50) == Decimal("0.03")
    assert risk_weighted(Decimal("10.05"), 45) == Decimal("4.52")  # 4.5225
    assert risk_weighted(Decimal("999.99"), 0) == Decimal("0.00")


def test_nothing_totals_zero(world):
    empty = totals(Opportunity.objects.all(), "GBP")
    assert (empty.count, empty.most_likely_total, empty.risk_weighted_total) == (
        0,
        Decimal("0.00"),
        Decimal("0.00"),
    )


def _candidate(world, **fields):
    values = {
        "collaboration": world.collab,
        "title": "Idea",
        "low": Decimal("10"),
        "most_likely": Decimal("20"),
        "high": Decimal("30"),
        "confidence": 50,
        **fields,
    }
    return Opportunity(**values)


def test_low_above_most_likely_is_refused_naming_the_field(world):
    with pytest.raises(ValidationError) as caught:
        _candidate(world, low=Decimal("25")).full_clean()
    assert set(caught.value.message_dict) == {"low"}
    assert "25" in caught.value.message_dict["low"][0]


def test_most_likely_above_high_is_refused_naming_high(world):
    with pytest.raises(ValidationError) as caught:
        _candidate(world, high=Decimal("15")).full_clean()
    assert set(caught.value.message_dict) == {"high"}


def test_rejected_needs_a_reason(world):
    with pytest.raises(ValidationError) as caught:
        _candidate(world, status=OpportunityStatus.REJECTED, rejection_reason="  ").full_clean()
    assert set(caught.value.message_dict) == {"rejection_reason"}
    _candidate(
        world, status=OpportunityStatus.REJECTED, rejection_reason="Covered by a national deal."
    ).full_clean()


def test_confidence_is_a_percentage(world):
    with pytest.raises(ValidationError) as caught:
        _candidate(world, confidence=101).full_clean()
    assert "confidence" in caught.value.message_dict


def test_status_initiative_only_by_turning_it_into_one(world):
    with pytest.raises(ValidationError) as caught:
        _candidate(world, status=OpportunityStatus.INITIATIVE).full_clean()
    assert "status" in caught.value.message_dict
