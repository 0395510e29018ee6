"""`realise realisation --subcategory` repeated: the cut of every sub-category named, as the
dashboards' filter and the API take several, never only the last one given."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import BenefitFactory, actual, plan

D = Decimal
TODAY = "2025-07-15"


def run(*args):
    out = io.StringIO()
    call_command("realisation", *args, "--today", TODAY, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def money(world):
    """A 1a saving (£1,000 a month from April 2025) and a 1c cost avoided (£250 a month)."""
    saving = world.benefit
    avoided = BenefitFactory(initiative=world.initiative, subcategory="1c", title="Avoided")
    plan(saving, datetime.date(2025, 4, 1), ["1000"] * 6)
    plan(avoided, datetime.date(2025, 4, 1), ["250"] * 6)
    actual(saving, datetime.date(2025, 5, 1), "900.10")
    actual(avoided, datetime.date(2025, 6, 1), "260.05")
    return world


def test_two_subcategories_give_the_money_of_both(money):
    data = run("--subcategory", "1a", "--subcategory", "1c")
    assert data["filters"]["subcategories"] == ["1a", "1c"]
    # 6 x 1000 + 6 x 250 planned; 900.10 + 260.05 realised by June.
    assert data["money"]["planned_total"] == "7500.00"
    assert data["money"]["planned_to_date"] == "3750.00"
    assert data["money"]["actual_to_date"] == "1160.15"
    assert set(data["money"]["by_subcategory"]) >= {"1a", "1c"}


def test_one_subcategory_is_still_that_one_alone(money):
    data = run("--subcategory", "1c")
    assert data["filters"]["subcategories"] == ["1c"]
    assert data["money"]["planned_total"] == "1500.00"
    assert data["money"]["actual_to_date"] == "260.05"


def test_a_subcategory_named_twice_counts_once(money):
    data = run("--subcategory", "1a", "--subcategory", "1a")
    assert data["filters"]["subcategories"] == ["1a"]
    assert data["money"]["planned_total"] == "6000.00"


def test_an_unknown_subcategory_among_several_is_named(money):
    with pytest.raises(CommandError, match="--subcategory: '4z' is not a sub-category"):
        run("--subcategory", "1a", "--subcategory", "4z")


@pytest.fixture
def split(world):
    """A cashable saving identified in the business case (£1,000 a month from April 2025)
    and a non-cashable one found later (£400 a month)."""
    cashable = world.benefit
    cashable.cashable, cashable.identified_in_business_case = True, True
    cashable.save()
    later = BenefitFactory(
        initiative=world.initiative,
        title="Found later",
        cashable=False,
        identified_in_business_case=False,
    )
    plan(cashable, datetime.date(2025, 4, 1), ["1000"] * 6)
    plan(later, datetime.date(2025, 4, 1), ["400"] * 6)
    return world


@pytest.mark.parametrize(
    ("option", "said", "planned"),
    [
        ("--cashable", "true", "6000.00"),
        ("--cashable", "false", "2400.00"),
        ("--identified", "1", "6000.00"),
        ("--identified", "FALSE", "2400.00"),
    ],
)
def test_cashable_and_identified_cut_as_the_api_does(split, option, said, planned):
    data = run(option, said)
    assert data["money"]["planned_total"] == planned
    assert data["filters"][option[2:]] is (said.lower() in ("true", "1"))


def test_cashable_that_is_not_true_or_false_exits_2_naming_the_option(split):
    with pytest.raises(CommandError) as refused:
        call_command("realisation", "--cashable", "maybe")
    assert refused.value.returncode == 2
    assert str(refused.value) == "--cashable: 'maybe' is not true or false"
