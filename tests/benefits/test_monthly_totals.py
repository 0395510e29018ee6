"""The monthly totals kept by the database follow every write, and national figures read
from them equal the figures counted from the register's rows.

Worked example: two money benefits (one cashable, one not) and an hours benefit, planned
April to June 2025; actuals for April and May.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realise.benefits import totals
from realise.benefits.contributions import replace_attributions, set_contribution
from realise.benefits.models import Measurement, MonthlyTotal, PlannedValue
from realise.benefits.realisation import RealisationFilter, measure_summaries
from realise.benefits.realisation.cut import _Cut
from realise.benefits.realisation.ledger import _ledger, _ledger_from_database
from tests.factories import BenefitFactory, InitiativeFactory, actual, plan

D = Decimal
TODAY = datetime.date(2025, 7, 15)
APRIL = datetime.date(2025, 4, 1)


@pytest.fixture
def register(world):
    cashable = BenefitFactory(initiative=world.initiative, subcategory="1a", cashable=True)
    other = BenefitFactory(initiative=world.initiative, subcategory="1a", cashable=False)
    hours = BenefitFactory(initiative=world.initiative, subcategory="1b", unit="hours")
    plan(cashable, APRIL, ["100.10", "100.10", "100.10"])
    plan(other, APRIL, ["50", "50", "50"])
    plan(hours, APRIL, ["12.5", "12.5", "12.5"])
    for month in (4, 5):
        actual(cashable, datetime.date(2025, month, 1), "90.05")
        actual(other, datetime.date(2025, month, 1), "60")
        actual(hours, datetime.date(2025, month, 1), "10.25")
    world.cashable, world.other, world.hours = cashable, other, hours
    return world


def kept(kind: str, **where) -> tuple[int, Decimal]:
    rows = totals.read(Q(kind=kind, **where))
    return sum(r.rows for r in rows), sum((r.amount for r in rows), D("0"))


def test_the_totals_hold_the_worked_example(register):
    assert kept("p", subcategory="1a") == (6, D("450.30"))
    assert kept("p", subcategory="1a", cashable=True) == (3, D("300.30"))
    assert kept("a", subcategory="1a") == (4, D("300.10"))
    assert kept("p", subcategory="1b") == (3, D("37.50"))
    assert kept("a", subcategory="1b", period=datetime.date(2025, 5, 1)) == (1, D("10.25"))
    assert totals.differences() == []


def test_every_kind_of_write_keeps_the_totals_exact(register):
    benefit = register.cashable
    planned = benefit.planned_values.order_by("period").first()
    planned.value = D("120.00")
    planned.save()
    assert kept("p", subcategory="1a", cashable=True) == (3, D("320.20"))
    planned.period = datetime.date(2025, 9, 1)
    planned.save()
    # A measurement without a value is not counted; giving it one counts it.
    empty = Measurement.objects.create(benefit=benefit, period=datetime.date(2025, 6, 1))
    assert kept("a", subcategory="1a", cashable=True) == (2, D("180.10"))
    empty.value = D("1.01")
    empty.save()
    assert kept("a", subcategory="1a", cashable=True) == (3, D("181.11"))
    # Bulk writes that skip save() are caught as well.
    PlannedValue.objects.filter(benefit=register.other).update(value=F("value") + 1)
    PlannedValue.objects.bulk_create(
        [PlannedValue(benefit=register.other, period=datetime.date(2025, 7, 1), value=D("7"))]
    )
    assert kept("p", subcategory="1a", cashable=False) == (4, D("160.00"))
    # Changing what kind of benefit it is moves all its months.
    benefit.subcategory = "1c"
    benefit.identified_in_business_case = False
    benefit.save()
    assert kept("p", subcategory="1a", cashable=True) == (0, D("0"))
    assert kept("p", subcategory="1c", identified=False) == (3, D("320.20"))
    assert kept("a", subcategory="1c", identified=False) == (3, D("181.11"))
    Measurement.objects.filter(benefit=register.hours).first().delete()
    register.other.delete()
    assert kept("p", subcategory="1a") == (0, D("0"))
    assert totals.differences() == []


def test_compacting_keeps_the_totals_in_fewer_rows(register):
    before = MonthlyTotal.objects.count()
    for value in ("1", "2", "3"):
        PlannedValue.objects.filter(benefit=register.hours).update(value=D(value))
    assert MonthlyTotal.objects.count() > before
    left = totals.compact()
    # One row per kind of benefit and month: 3 kinds x 3 months planned, x 2 actual.
    assert left == 15
    assert kept("p", subcategory="1b") == (3, D("9.00"))
    assert totals.differences() == []


def test_rebuild_and_check_name_what_drifted(register, capsys):
    MonthlyTotal.objects.filter(kind="a", subcategory="1b").delete()
    with pytest.raises(SystemExit) as exit_info:
        call_command("totals", "--check")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "Actual 1b/hours/False/True/False 2025-04: register 1 rows, 10.25; kept 0 rows" in out
    call_command("totals", "--rebuild")
    call_command("totals", "--check")
    assert "match the register" in capsys.readouterr().out


def national(**cut):
    return measure_summaries(RealisationFilter(**cut), today=TODAY, include_trend=False)


@pytest.mark.parametrize(
    "cut",
    [
        {},
        {"subcategories": ("1a",)},
        {"cashable": False},
        {"identified": True},
        {"period_from": datetime.date(2025, 5, 1), "period_to": datetime.date(2025, 5, 1)},
    ],
    ids=["national", "subcategory", "non-cashable", "identified", "one-month"],
)
def test_national_figures_from_the_totals_equal_those_from_the_rows(register, cut):
    # Linked benefits are counted as the cut counts them, not whole: an attribution of
    # 60% and a contribution (the cashable saving is part of a bigger one).
    recruitment = InitiativeFactory(collaboration=register.collab, name="Recruitment")
    replace_attributions(register.other, {recruitment: D("60")}, user=register.alice)
    parent = BenefitFactory(initiative=register.initiative, subcategory="1a", cashable=True)
    plan(parent, APRIL, ["500", "500", "500"])
    set_contribution(register.cashable, parent, user=register.alice)
    made = _Cut.make(RealisationFilter(**cut), None, TODAY)
    from_totals, from_rows = _ledger(made), _ledger_from_database(made)
    assert dict(from_totals.planned) == dict(from_rows.planned)
    assert dict(from_totals.actual) == dict(from_rows.actual)
    if not cut:
        money = national()["money"]
        # 500 x 3 (the parent, not its part) + 60% of 150 planned; 60% of 120 measured.
        assert money.planned_total == D("1590.00")
        assert money.actual_to_date == D("72.00")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["plan", "measure", "blank", "move", "recategorise", "delete"]),
            st.integers(min_value=0, max_value=2),
            st.integers(min_value=1, max_value=6),
            st.decimals(min_value=-999, max_value=99999, places=2, allow_nan=False),
        ),
        max_size=12,
    )
)
def test_any_sequence_of_writes_leaves_the_totals_equal_to_the_register(register, steps):
    benefits = [register.cashable, register.other, register.hours]
    for action, which, month, value in steps:
        benefit = benefits[which]
        period = datetime.date(2025, month, 1)
        if action == "plan":
            PlannedValue.objects.update_or_create(
                benefit=benefit, period=period, defaults={"value": value}
            )
        elif action in ("measure", "blank"):
            Measurement.objects.update_or_create(
                benefit=benefit,
                period=period,
                force=None,
                defaults={"value": None if action == "blank" else value},
            )
        elif action == "move":
            row = benefit.planned_values.order_by("period").first()
            taken = set(benefit.planned_values.values_list("period", flat=True))
            if row is not None and period not in taken:
                row.period = period
                row.save()
        elif action == "recategorise":
            benefit.subcategory = {"1a": "1c", "1c": "1a"}.get(benefit.subcategory, "1b")
            benefit.cashable = not benefit.cashable
            benefit.save()
        else:
            benefit.measurements.filter(period=period).delete()
    assert totals.differences() == []
