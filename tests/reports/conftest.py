"""A small register to export and import: the Essex–Kent world with plans and actuals.

* "Joint vetting" (in the private Essex and Kent collaboration) holds erin's benefit
  B-VET-1 (money, planned for January to March 2025, with a collaboration-wide actual for
  January and Essex's for February) and a survey-score benefit B-VET-2 (2a, no plan).
* Owners are named people with email addresses, as the workbook's drop-down shows them.
"""

import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from realise.benefits.models import Benefit, Measurement, PlannedValue
from realise.collaborations.models import Initiative
from realise.reports.register.xlsx import write_register
from tests.factories import BenefitFactory, PersonFactory, force, plan


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def register(world):
    w = world
    w.erin_person.email = "erin@kent.police.example"
    w.erin_person.save()
    w.frank = PersonFactory(name="Frank Measurer", email="frank@essex.police.example")
    w.benefit.reference = "B-VET-1"
    w.benefit.measurement_owner = w.frank
    w.benefit.save()
    plan(w.benefit, datetime.date(2025, 1, 1), ["1000.00", "2000.50", "3000"])
    Measurement.objects.create(
        benefit=w.benefit, period=datetime.date(2025, 1, 1), value=Decimal("900.25")
    )
    Measurement.objects.create(
        benefit=w.benefit,
        period=datetime.date(2025, 2, 1),
        force=force("Essex"),
        value=Decimal("1500"),
    )
    w.quality = BenefitFactory(
        initiative=w.initiative,
        reference="B-VET-2",
        title="Better vetting decisions",
        subcategory="2a",
        direction="increase",
        unit="score",
        nature="quantitative",
        baseline_value=Decimal("3.5"),
        target_value=Decimal("4.2"),
        owner=w.erin_person,
        measurement_owner=w.frank,
    )
    return w


@pytest.fixture
def exported(register, tmp_path):
    """The whole register exported to a workbook."""
    path = tmp_path / "register.xlsx"
    write_register(path)
    return path


def edit(path, changes: dict) -> None:
    """Set cells of a workbook: {(sheet, "B2"): value}."""
    workbook = load_workbook(path)
    for (sheet, cell), value in changes.items():
        workbook[sheet][cell] = value
    workbook.save(path)


def append_row(path, sheet: str, values: list) -> int:
    workbook = load_workbook(path)
    ws = workbook[sheet]
    ws.append(values)
    row = ws.max_row
    workbook.save(path)
    return row


def row_of(path, sheet: str, key: str) -> int:
    """The row whose first cell is `key`."""
    workbook = load_workbook(path, read_only=True)
    for number, values in enumerate(workbook[sheet].iter_rows(values_only=True), start=1):
        if values and values[0] == key:
            return number
    raise AssertionError(f"{key} not on {sheet}")


def history_counts() -> dict:
    return {
        "initiatives": Initiative.history.count(),
        "benefits": Benefit.history.count(),
        "planned": PlannedValue.history.count(),
        "actuals": Measurement.history.count(),
    }
