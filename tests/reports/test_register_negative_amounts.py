"""Negative amounts as finance spreadsheets write them: in brackets (accounting format),
with the pound sign before or after the minus, or as a number cell whose format shows
brackets. Read exactly, where a negative is allowed; refused naming the cell where not."""

import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from realise.benefits.models import Benefit, Measurement, PlannedValue
from realise.reports.mapped.grid import read_grid
from realise.reports.mapped.mapping import parse_mapping
from realise.reports.mapped.translate import import_mapped
from realise.reports.register.cells import read_decimal
from realise.reports.register.importing import import_register
from realise.reports.register.results import CellError
from realise.reports.register.xlsx import ACTUALS, BENEFITS, PLANNED
from tests.reports.conftest import edit, history_counts, row_of

pytestmark = pytest.mark.django_db

ACCOUNTING = "#,##0.00;(#,##0.00)"
NEGATIVES = ["(1,234.56)", "( 1,234.56 )", "-£1,234.56", "£-1,234.56", "£(1,234.56)", "(£1,234.56)"]


def errors_of(result) -> list[str]:
    return [str(error) for error in result.errors]


@pytest.mark.parametrize("typed", NEGATIVES)
def test_bracketed_and_signed_amounts_read_as_exact_negatives(typed):
    assert read_decimal(typed) == Decimal("-1234.56")
    assert read_decimal(typed).as_tuple() == Decimal("-1234.56").as_tuple()


def test_a_bracketed_zero_is_zero():
    assert str(read_decimal("(0.00)")) == "0.00"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("(-5)", "'(-5)' is not a number"),
        ("-(5)", "'-(5)' is not a number"),
        ("((5))", "'((5))' is not a number"),
        ("(5", "'(5' is not a number"),
        ("5)", "'5)' is not a number"),
        ("()", "'()' is not a number"),
        ("(abc)", "'(abc)' is not a number"),
        ("(£-5)", "'(£-5)' is not a number"),
        ("£(5) hours", "'£(5) hours' is not a number"),
        ("(١٢٣)", "'(١٢٣)' is not a number: write it with the digits 0 to 9"),
        ("(1.005)", "'(1.005)' has more than two decimal places"),
    ],
)
def test_brackets_that_are_not_an_amount_are_refused_quoting_the_cell(typed, reason):
    with pytest.raises(CellError) as refused:
        read_decimal(typed)
    assert str(refused.value) == reason


@pytest.mark.parametrize("typed", ["(1,234.56)", "£(1,234.56)", "-£1,234.56"])
def test_a_planned_value_typed_as_a_negative_is_stored_exactly(register, exported, typed):
    edit(exported, {(PLANNED, "C3"): typed})  # February 2025

    result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    assert result.counts[PLANNED].updated == 1
    planned = PlannedValue.objects.get(
        benefit__reference="B-VET-1", period=datetime.date(2025, 2, 1)
    )
    assert planned.value == Decimal("-1234.56")


@pytest.mark.parametrize("typed", ["(900.25)", "£(900.25)"])
def test_a_correction_to_an_actual_typed_in_brackets_is_stored_exactly(register, exported, typed):
    edit(exported, {(ACTUALS, "D2"): typed, (ACTUALS, "F2"): "Correction: refund received"})

    result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    january = Measurement.objects.get(
        benefit__reference="B-VET-1", period=datetime.date(2025, 1, 1), force=None
    )
    assert january.value == Decimal("-900.25")


def test_a_number_cell_shown_in_brackets_is_read_as_its_negative_value(register, exported):
    workbook = load_workbook(exported)
    cell = workbook[PLANNED]["C3"]
    cell.value = -1234.56
    cell.number_format = ACCOUNTING
    workbook.save(exported)

    result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    planned = PlannedValue.objects.get(
        benefit__reference="B-VET-1", period=datetime.date(2025, 2, 1)
    )
    assert planned.value == Decimal("-1234.56")


def test_a_bracketed_baseline_of_a_saving_is_refused_naming_the_cell(register, exported):
    """B-VET-1 is a saving of money (1a): its baseline is never below zero."""
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"J{row}"): "(1,234.56)"})
    before = history_counts()

    result = import_register(exported, user=register.alice)

    assert not result.written
    assert errors_of(result) == [
        f"Benefits!{row}, Baseline: Savings record the amount delivered, so the baseline "
        "value cannot be below zero."
    ]
    assert history_counts() == before
    assert Benefit.objects.get(reference="B-VET-1").baseline_value == Decimal("100000.00")


def test_a_csv_of_the_force_own_register_reads_bracketed_amounts(world):
    world.initiative.stage = 1
    world.initiative.save()
    text = (
        "Ref,Benefit,Category,Direction,Measure,Unit,Owner,Measured by,Apr-25,May-25,Jun-25\n"
        "EK-1,Agency vetters,1a,Decrease,Agency spend,GBP,Erin Owner,Erin Owner,"
        '"(1,234.56)","£(10.00)","-£2,000.01"\n'
    )
    mapping = {
        "sheet": "register",
        "header_row": 1,
        "initiative": "joint-vetting",
        "columns": {
            "reference": "Ref",
            "title": "Benefit",
            "subcategory": "Category",
            "direction": "Direction",
            "measure": "Measure",
            "unit": "Unit",
            "owner": "Owner",
            "measurement_owner": "Measured by",
        },
        "monthly": [{"kind": "planned", "first_column": "I", "last_column": "K"}],
    }

    result = import_mapped(
        read_grid(text.encode(), "register.csv"), parse_mapping(mapping), user=world.alice
    )

    assert result.ok, result.problems
    assert dict(
        PlannedValue.objects.filter(benefit__reference="EK-1").values_list("period", "value")
    ) == {
        datetime.date(2025, 4, 1): Decimal("-1234.56"),
        datetime.date(2025, 5, 1): Decimal("-10.00"),
        datetime.date(2025, 6, 1): Decimal("-2000.01"),
    }


@pytest.mark.parametrize("typed", ["1,5", "12,50", "1,25,000", "1,2345.00", "(1,5)", "£1,50", ","])
def test_a_comma_that_does_not_group_thousands_is_refused_not_dropped(typed):
    """'1,5' is one and a half where the decimal comma is used: read with its comma
    dropped it would be 15, so it is refused, quoting the cell."""
    with pytest.raises(CellError) as refused:
        read_decimal(typed)
    assert str(refused.value).startswith(f"'{typed}' is not a number")


@pytest.mark.parametrize(
    ("typed", "read"),
    [("1,250", "1250.00"), ("1,234,567.89", "1234567.89"), ("-£12,000.5", "-12000.50")],
)
def test_commas_between_thousands_are_read(typed, read):
    assert read_decimal(typed) == Decimal(read)
