"""The Excel import cannot re-profile a baselined plan; the change request is the way."""

import datetime

from realise.benefits.baselines import freeze_baseline
from realise.benefits.models import PlannedValue
from realise.reports.register.importing import import_register
from realise.reports.register.xlsx import PLANNED
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
