"""The Excel import cannot re-profile a baselined plan; the change request is the way."""

import datetime

from realise.benefits.baselines import freeze_baseline
from realise.benefits.models import PlannedValue
from realise.reports.register.importing import import_register
from realise.reports.register.xlsx import BENEFITS, PLANNED
from tests.reports.conftest import edit


def test_a_changed_month_of_a_baselined_plan_is_an_error_naming_the_row(register, exported):
    freeze_baseline(register.initiative, approved_on=datetime.date(2025, 6, 1), user=register.alice)
    before = list(PlannedValue.objects.order_by("period").values_list("value", flat=True))
    edit(exported, {(PLANNED, "C2"): 1234})

    result = import_register(exported, user=register.alice)

    assert [str(error) for error in result.errors] == [
        "Planned values!2, Benefit reference: The plan of 'Reduced vetting backlog' is "
        "baselined: re-profile it through a change request."
    ]
    assert list(PlannedValue.objects.order_by("period").values_list("value", flat=True)) == before


def test_an_unchanged_baselined_plan_imports_cleanly(register, exported):
    freeze_baseline(register.initiative, approved_on=datetime.date(2025, 6, 1), user=register.alice)
    assert import_register(exported, user=register.alice).errors == []


def _benefit_cell(path, reference: str, header: str) -> str:
    """The address of a benefit's cell under `header` on the Benefits sheet."""
    from openpyxl import load_workbook

    ws = load_workbook(path)[BENEFITS]
    headers = [cell.value for cell in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == reference:
            return row[headers.index(header)].coordinate
    raise AssertionError(reference)


def test_a_baselined_benefit_cannot_be_reclassified_by_import(register, exported):
    """Where a baselined benefit's money is counted is fixed, as on the page and the API."""
    freeze_baseline(register.initiative, approved_on=datetime.date(2025, 6, 1), user=register.alice)
    cell = _benefit_cell(exported, "B-VET-1", "Cashable")
    row = int(cell[1:]) if cell[1:].isdigit() else int(cell[2:])
    register.benefit.refresh_from_db()
    edit(exported, {(BENEFITS, cell): "No" if register.benefit.cashable else "Yes"})

    result = import_register(exported, user=register.alice)

    (error,) = result.errors
    assert str(error).startswith(f"Benefits!{row}, Cashable: ")
    assert "baselined" in str(error)
    before = register.benefit.cashable
    register.benefit.refresh_from_db()
    assert register.benefit.cashable == before
