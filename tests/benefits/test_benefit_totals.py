"""Each force's share of a national cut, read from the per-benefit totals the database
keeps, equals the same shares counted from every month; the totals follow every write.

Worked example: the Essex-Kent collaboration splits 47.3% to Essex and 52.7% to Kent.
Today is 15 July 2025, so "to date" runs to the end of June 2025.

- A, money: planned £100 a month from April to September (£600; £300 to date); measured
  £50.01 in April and £50.00 in May for the collaboration, £20 in May for Essex, and
  £999 in August (after "to date").
- C, money, with its own split of 75% Essex and 25% Kent: planned £40 in April.
- D, money, claimed 60% by another initiative of the collaboration: planned £100 in April,
  of which the nation counts £60.
- E, money, with no plan: measured £10 in May for the collaboration and £5 for Kent.
- F, money, part of A: planned £100 in April, counted in A and never again.
- G, a disbenefit: planned £10 in April.
- H, hours: planned 10.5 hours a month from April to June, measured 7 hours in May.
- I, money, with no plan: measured £3 in May for Essex alone.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db.models import F
from django.utils import timezone

from realise.benefits import totals
from realise.benefits.contributions import replace_attributions, set_contribution
from realise.benefits.models import (
    Benefit,
    BenefitTotal,
    BenefitTotalAnchor,
    Measurement,
    PlannedValue,
)
from realise.benefits.realisation import RealisationFilter, force_breakdown
from realise.benefits.realisation import forces as engine
from realise.benefits.realisation.periods import last_complete_month
from realise.benefits.services import replace_benefit_shares
from realise.organisations.forces import load_forces
from realise.organisations.models import Force, Region
from tests.factories import BenefitFactory, InitiativeFactory, actual, force, plan

D = Decimal
TODAY = datetime.date(2025, 7, 15)
APRIL, MAY, AUGUST = (datetime.date(2025, m, 1) for m in (4, 5, 8))
ESSEX, KENT = "E23000028", "E23000032"


@pytest.fixture
def register(world):
    a = world.benefit
    plan(a, APRIL, ["100"] * 6)
    actual(a, APRIL, "50.01")
    actual(a, MAY, "50.00")
    actual(a, MAY, "20", force("Essex"))
    actual(a, AUGUST, "999")
    c = BenefitFactory(initiative=world.initiative)
    replace_benefit_shares(c, {force("Essex"): D("75"), force("Kent"): D("25")}, user=world.alice)
    plan(c, APRIL, ["40"])
    d = BenefitFactory(initiative=world.initiative)
    plan(d, APRIL, ["100"])
    other = InitiativeFactory(collaboration=world.collab, name="Shared estates")
    replace_attributions(d, {other: D("60")}, user=world.alice)
    e = BenefitFactory(initiative=world.initiative)
    actual(e, MAY, "10")
    actual(e, MAY, "5", force("Kent"))
    f = BenefitFactory(initiative=world.initiative)
    plan(f, APRIL, ["100"])
    set_contribution(f, a, user=world.alice)
    g = BenefitFactory(initiative=world.initiative, is_disbenefit=True)
    plan(g, APRIL, ["10"])
    h = BenefitFactory(initiative=world.initiative, subcategory="1b", unit="hours")
    plan(h, APRIL, ["10.5"] * 3)
    actual(h, MAY, "7")
    i = BenefitFactory(initiative=world.initiative)
    actual(i, MAY, "3", force("Essex"))
    world.a, world.e, world.h = a, e, h
    return world


def test_the_national_shares_hold_the_worked_example(register, monkeypatch):
    read_totals = []
    original = engine._sums_from_totals
    monkeypatch.setattr(
        engine,
        "_sums_from_totals",
        lambda *args: read_totals.append(True) or original(*args),
    )
    money = force_breakdown(today=TODAY)["money"]
    assert read_totals, "a national cut reads the kept totals"
    # A's £100.01 split to the penny (47.30 / 52.71), Essex's own £20 and £3, and E's £10.
    assert money.actual_to_date == {ESSEX: D("75.03"), KENT: D("62.98")}
    assert money.outside_plan == {ESSEX: D("7.73"), KENT: D("10.27")}
    # A £600, C £40 at 75/25, D's £60 and G's -£10 at 47.3/52.7; never F.
    assert money.planned_total == {ESSEX: D("337.45"), KENT: D("352.55")}
    assert money.planned_to_date == {ESSEX: D("195.55"), KENT: D("194.45")}
    hours = force_breakdown(today=TODAY)["hours"]
    # 700 hundredths: 331.1 and 368.9, the odd one to Kent's larger remainder.
    assert hours.actual_to_date == {ESSEX: D("3.31"), KENT: D("3.69")}
    # 3,150 hundredths: 1,489.95 and 1,660.05, the odd one to Essex.
    assert hours.planned_total == {ESSEX: D("14.90"), KENT: D("16.60")}


def _from_rows(monkeypatch, **cut):
    with monkeypatch.context() as patch:
        patch.setattr(
            engine,
            "_sums",
            lambda cut, planned: engine._sums_from_rows(cut, planned),
        )
        return force_breakdown(RealisationFilter(**cut), today=TODAY)


@pytest.mark.parametrize("by_ids", [True, False], ids=["by-ids", "every-row"])
@pytest.mark.parametrize(
    "cut",
    [{}, {"subcategories": ("1a",)}, {"cashable": True}, {"statuses": ("agreed",)}],
    ids=["national", "subcategory", "cashable", "status"],
)
def test_shares_from_the_totals_equal_those_from_the_rows(register, monkeypatch, cut, by_ids):
    if not by_ids:
        monkeypatch.setattr(engine, "_BENEFIT_IDS_AT_MOST", 0)
    assert force_breakdown(RealisationFilter(**cut), today=TODAY) == _from_rows(monkeypatch, **cut)


def test_a_collaborations_shares_and_a_readers_scope_equal_those_from_the_rows(
    register, monkeypatch
):
    cut = {"collaboration": register.collab}
    assert force_breakdown(RealisationFilter(**cut), today=TODAY) == _from_rows(monkeypatch, **cut)
    visible = Benefit.objects.exclude(pk=register.e.pk)
    from_totals = force_breakdown(base=visible, today=TODAY)
    with monkeypatch.context() as patch:
        patch.setattr(engine, "_sums", lambda c, p: engine._sums_from_rows(c, p))
        assert from_totals == force_breakdown(base=visible, today=TODAY)
    assert from_totals["money"].outside_plan == {ESSEX: D("3.00")}  # I alone, E unseen


def kept(benefit, kind, force_id=0):
    row = BenefitTotal.objects.filter(benefit_id=benefit.pk, kind=kind, force_id=force_id)
    return row.values_list("rows", "pennies").first() or (0, 0)


def test_the_totals_follow_every_kind_of_write(register):
    a, essex = register.a, force("Essex")
    assert kept(a, "p") == (6, 60000)
    assert kept(a, "a") == (3, 109901)
    assert kept(a, "a", essex.pk) == (1, 2000)
    # A correction, a value moved to a force, a blank, a bulk change and a deletion.
    wide = Measurement.objects.get(benefit=a, period=APRIL, force=None)
    wide.value = D("60.01")
    wide.save()
    wide.force = essex
    wide.save()
    assert kept(a, "a") == (2, 104900)
    assert kept(a, "a", essex.pk) == (2, 8001)
    wide.value = None
    wide.save()
    assert kept(a, "a", essex.pk) == (1, 2000)
    PlannedValue.objects.filter(benefit=a).update(value=F("value") + D("0.01"))
    assert kept(a, "p") == (6, 60006)
    PlannedValue.objects.filter(benefit=a, period=APRIL).delete()
    assert kept(a, "p") == (5, 50005)
    assert totals.differences() == []
    register.h.delete()
    assert kept(register.h, "p") == (0, 0)
    assert totals.differences() == []


def test_check_names_a_benefit_whose_total_drifted_and_rebuild_mends_it(register):
    BenefitTotal.objects.filter(benefit_id=register.a.pk, kind="p").update(pennies=1)
    anchor = totals.anchor()
    assert (
        f"Planned of benefit {register.a.pk}: register 6 rows, 600.00, 600.00 to "
        f"{anchor:%Y-%m}; kept 6 rows, 0.01, 600.00"
    ) in totals.differences()
    totals.rebuild()
    assert totals.differences() == []
    assert kept(register.a, "p") == (6, 60000)


def kept_to_date(benefit, kind, force_id=0):
    row = BenefitTotal.objects.filter(benefit_id=benefit.pk, kind=kind, force_id=force_id)
    return row.values_list("pennies_to_date", flat=True).first()


@pytest.mark.parametrize(
    "anchor",
    [datetime.date(2025, 6, 1), datetime.date(2025, 3, 1), datetime.date(2026, 1, 1)],
    ids=["at-to-date", "before-to-date", "after-to-date"],
)
def test_shares_are_the_same_whatever_month_the_totals_count_to_date_to(
    register, monkeypatch, anchor
):
    assert totals.reanchor(anchor)
    assert totals.anchor() == anchor
    assert totals.differences() == []
    expected = _from_rows(monkeypatch)
    assert force_breakdown(today=TODAY) == expected
    # A cut as of another day leaves the anchor where it is.
    assert totals.anchor() == anchor
    assert expected["money"].planned_to_date == {ESSEX: D("195.55"), KENT: D("194.45")}


def test_writes_count_to_date_up_to_the_anchor_month(register):
    totals.reanchor(datetime.date(2025, 6, 1))
    a = register.a
    assert kept_to_date(a, "p") == 30000  # April to June of £100 a month
    assert kept_to_date(a, "a") == 10001  # £50.01 and £50.00; August's £999 is later
    PlannedValue.objects.filter(benefit=a, period=AUGUST).update(period=datetime.date(2025, 3, 1))
    assert kept_to_date(a, "p") == 40000
    actual(a, datetime.date(2025, 6, 1), "0.99")
    actual(a, datetime.date(2025, 7, 1), "5")
    assert kept_to_date(a, "a") == 10100
    assert kept(a, "a") == (5, 110500)
    assert totals.differences() == []


def test_the_first_reader_after_to_date_moves_on_moves_the_anchor(register):
    totals.reanchor(datetime.date(2025, 6, 1))
    force_breakdown()  # as of today
    assert totals.anchor() != datetime.date(2025, 6, 1)
    assert totals.anchor() == last_complete_month(timezone.localdate())
    assert totals.differences() == []


def test_with_no_anchor_the_first_reader_sets_one(register, monkeypatch):
    expected = _from_rows(monkeypatch)
    BenefitTotalAnchor.objects.all().delete()
    assert force_breakdown(today=TODAY) == expected
    assert totals.anchor() is not None
    assert totals.differences() == []


def test_migrating_puts_back_an_anchor_that_is_gone_and_counts_to_it(register):
    """Django sends post_migrate after `migrate` and after `flush`: a register whose anchor
    was emptied gets it back at the last whole month, its totals to date counted to it."""
    BenefitTotalAnchor.objects.all().delete()
    BenefitTotal.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert totals.anchor() == last_complete_month(timezone.localdate())
    assert kept(register.a, "p") == (6, 60000)
    assert totals.differences() == []
    # An anchor already there is left where it is.
    totals.reanchor(datetime.date(2025, 6, 1))
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert totals.anchor() == datetime.date(2025, 6, 1)


@pytest.mark.django_db(transaction=True)
def test_a_flushed_register_checks_clean_once_written_again():
    call_command("flush", interactive=False, verbosity=0)
    assert totals.anchor() == last_complete_month(timezone.localdate())
    load_forces(Region, Force)
    call_command("demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("totals", "--check", stdout=out)  # exits 1 on a difference
    assert out.getvalue() == "The kept totals match the register.\n"


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_that_restarted_the_ids_new_rows_take_new_ones():
    """A test's own flush restarts every sequence; the tests' flush then puts the migrated
    rows back (tests/flush.py): the next writes take ids after theirs."""
    call_command("flush", interactive=False, verbosity=0)  # Django's: ids start again
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)  # the tests'
    assert Force.objects.count() == 43
    InitiativeFactory()  # an audited write: its audit record comes after the migrated ones
