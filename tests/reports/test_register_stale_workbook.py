"""An old workbook never silently undoes what was changed in Realise after it was exported.

The export records when it was written (a custom document property, leaving the sheets'
columns as they are); the import refuses, naming the sheet, row, field, when and by whom,
every row that would change a value changed in Realise since then. Nothing is written.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from realise.benefits.models import Benefit, Evidence, Measurement, PlannedValue
from realise.collaborations.models import Initiative
from realise.core.history import set_history_user
from realise.reports.register.importing import import_register
from realise.reports.register.since_export import EXPORTED_AT
from realise.reports.register.xlsx import (
    ACTUALS,
    BENEFITS,
    INITIATIVES,
    PLANNED,
    headers,
    write_register,
)
from tests.factories import BenefitFactory, CollaborationFactory, InitiativeFactory, share
from tests.reports.conftest import edit, history_counts, row_of

pytestmark = pytest.mark.django_db

REDO = "export the register again and re-apply your changes to it"


def errors_of(result) -> list[str]:
    return [str(error) for error in result.errors]


def stamp_of(path) -> datetime.datetime:
    properties = {p.name: p.value for p in load_workbook(path, read_only=True).custom_doc_props}
    return datetime.datetime.fromisoformat(properties[EXPORTED_AT])


def shown(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def later(path, history, minutes: int = 90) -> datetime.datetime:
    """Date the latest historical record of `history` `minutes` after the export."""
    when = stamp_of(path) + datetime.timedelta(minutes=minutes)
    record = history.order_by("-history_id").first()
    type(record).objects.filter(history_id=record.history_id).update(history_date=when)
    return when


def changed_after(path, when: datetime.datetime, who: str | None) -> str:
    by = f" by {who}" if who else ""
    return (
        f"changed in Realise on {shown(when)}{by}, after this workbook was exported on "
        f"{shown(stamp_of(path))}: {REDO}"
    )


def change(instance, user, **values):
    for name, value in values.items():
        setattr(instance, name, value)
    set_history_user(instance, user)
    instance.save()


def test_the_export_records_when_it_was_written_without_changing_the_columns(exported):
    before = timezone.now()
    stamp = stamp_of(exported)

    assert stamp.tzinfo is not None
    assert before - datetime.timedelta(minutes=5) < stamp <= before
    workbook = load_workbook(exported, read_only=True)
    for sheet in (INITIATIVES, BENEFITS, PLANNED, ACTUALS):
        header = next(workbook[sheet].iter_rows(max_row=1, values_only=True))
        assert list(header) == headers(sheet)
    about = [row[0] for row in workbook["About"].iter_rows(values_only=True)]
    assert f"Exported at {shown(stamp)}." in about[-1]


def test_a_benefit_changed_in_realise_since_the_export_is_not_undone(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"L{row}"): 75000})  # this week's edit: the target
    benefit = Benefit.objects.get(reference="B-VET-1")
    target = benefit.target_value
    change(benefit, register.erin, title="Vetting backlog halved")  # meanwhile, in Realise
    when = later(exported, benefit.history)
    before = history_counts()

    result = import_register(exported, user=register.alice)

    assert not result.written
    assert errors_of(result) == [f"Benefits!{row}, Title: {changed_after(exported, when, 'Erin')}"]
    assert history_counts() == before
    benefit.refresh_from_db()
    assert (benefit.title, benefit.target_value) == ("Vetting backlog halved", target)
    assert target != Decimal("75000.00")


def test_a_planned_value_changed_since_the_export_is_not_undone(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Smaller vetting backlog"})
    february = PlannedValue.objects.get(period=datetime.date(2025, 2, 1))
    change(february, register.alice, value=Decimal("2222.22"))
    when = later(exported, february.history)

    result = import_register(exported, user=register.erin)

    assert errors_of(result) == [
        f"Planned values!3, Value: {changed_after(exported, when, 'Alice')}"
    ]
    february.refresh_from_db()
    assert february.value == Decimal("2222.22")
    assert Benefit.objects.get(reference="B-VET-1").title == "Reduced vetting backlog"


def test_an_actual_and_its_evidence_changed_since_the_export_are_not_undone(register, exported):
    january = Measurement.objects.get(period=datetime.date(2025, 1, 1))
    change(january, register.alice, value=Decimal("950.00"))
    value_changed = later(exported, january.history, minutes=60)
    evidence = Evidence(measurement=january, note="Ledger, corrected", uploaded_by=register.alice)
    set_history_user(evidence, register.alice)
    evidence.save()
    note_changed = later(exported, evidence.history, minutes=61)
    edit(exported, {(ACTUALS, "D3"): 1600, (ACTUALS, "F3"): "Payroll extract"})  # February

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Actuals!2, Value: {changed_after(exported, value_changed, 'Alice')}",
        f"Actuals!2, Evidence note: {changed_after(exported, note_changed, 'Alice')}",
    ]
    january.refresh_from_db()
    assert january.value == Decimal("950.00")
    assert Measurement.objects.get(period=datetime.date(2025, 2, 1)).value == Decimal("1500.00")


def test_an_initiative_changed_since_the_export_is_not_undone(register, exported):
    initiative = Initiative.objects.get(slug="joint-vetting")
    change(initiative, register.alice, purpose="One vetting unit for both forces.")
    when = later(exported, initiative.history)
    edit(exported, {(INITIATIVES, "C2"): "Joint vetting unit"})

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Initiatives!2, Purpose: {changed_after(exported, when, 'Alice')}"
    ]
    initiative.refresh_from_db()
    assert initiative.name == "Joint vetting"


def test_a_month_deleted_from_the_plan_since_the_export_is_not_put_back(register, exported):
    march = PlannedValue.objects.get(period=datetime.date(2025, 3, 1))
    pk = march.pk
    set_history_user(march, register.alice)
    march.delete()
    when = later(exported, PlannedValue.history.filter(id=pk))

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Planned values!4, Value: deleted in Realise on {shown(when)} by Alice, after this "
        f"workbook was exported on {shown(stamp_of(exported))}: {REDO}"
    ]
    assert not PlannedValue.objects.filter(period=datetime.date(2025, 3, 1)).exists()


def test_a_row_equal_to_what_realise_now_holds_is_no_conflict(register, exported):
    february = PlannedValue.objects.get(period=datetime.date(2025, 2, 1))
    change(february, register.alice, value=Decimal("2222.22"))
    later(exported, february.history)
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(
        exported,
        {(PLANNED, "C3"): 2222.22, (BENEFITS, f"C{row}"): "Smaller vetting backlog"},
    )

    result = import_register(exported, user=register.erin)

    assert result.ok and result.written, errors_of(result)
    assert result.counts[PLANNED].unchanged == 3
    assert Benefit.objects.get(reference="B-VET-1").title == "Smaller vetting backlog"


def test_a_change_to_another_field_of_the_record_does_not_block_an_edit(register, exported):
    """Realise changed the title; the workbook, exported before, changes the target and
    holds the title Realise now has: nothing is undone, so it imports."""
    row = row_of(exported, BENEFITS, "B-VET-1")
    benefit = Benefit.objects.get(reference="B-VET-1")
    change(benefit, register.erin, title="Vetting backlog halved")
    later(exported, benefit.history)
    edit(exported, {(BENEFITS, f"C{row}"): "Vetting backlog halved", (BENEFITS, f"L{row}"): 75000})

    result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    benefit.refresh_from_db()
    assert (benefit.title, benefit.target_value) == ("Vetting backlog halved", Decimal("75000.00"))


def test_importing_the_same_workbook_again_after_more_edits_is_allowed(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Smaller vetting backlog", (PLANNED, "C3"): 2100})
    assert import_register(exported, user=register.alice).written

    edit(exported, {(BENEFITS, f"C{row}"): "Much smaller vetting backlog", (PLANNED, "C3"): 2200})
    result = import_register(exported, user=register.alice)

    assert result.ok and result.written, errors_of(result)
    assert Benefit.objects.get(reference="B-VET-1").title == "Much smaller vetting backlog"
    assert PlannedValue.objects.get(period=datetime.date(2025, 2, 1)).value == Decimal("2200.00")


def test_someone_else_importing_an_older_copy_is_refused(register, exported, tmp_path):
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(exported.read_bytes())
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Smaller vetting backlog"})
    assert import_register(exported, user=register.alice).written
    edit(copy, {(PLANNED, "C3"): 2100})

    result = import_register(copy, user=register.erin)

    assert [str(e).split(": changed in Realise on ")[0] for e in result.errors] == [
        f"Benefits!{row}, Title"
    ]
    assert " by Alice, after this workbook was exported on " in errors_of(result)[0]


def test_a_workbook_without_the_stamp_imports_as_before(register, exported):
    workbook = load_workbook(exported)
    workbook.custom_doc_props = type(workbook.custom_doc_props)()
    workbook.save(exported)
    february = PlannedValue.objects.get(period=datetime.date(2025, 2, 1))
    change(february, register.alice, value=Decimal("2222.22"))

    result = import_register(exported, user=register.alice)

    assert result.ok and result.written, errors_of(result)
    february.refresh_from_db()
    assert february.value == Decimal("2000.50")


def test_a_stamp_that_is_not_a_time_is_refused(register, exported):
    workbook = load_workbook(exported)
    for prop in workbook.custom_doc_props:
        if prop.name == EXPORTED_AT:
            prop.value = "last Tuesday"
    workbook.save(exported)

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Workbook: the document property '{EXPORTED_AT}' is not a date and time "
        "('last Tuesday'); export the register again"
    ]


def test_the_checks_since_the_export_ask_once_a_chunk_not_once_a_row(
    register, tmp_path, django_assert_max_num_queries
):
    """Fifty-three planned values changed in Realise since the export: each row is refused,
    and the check asks the history for all of them at once."""
    benefit = Benefit.objects.get(reference="B-VET-1")
    months = [datetime.date(2026 + m // 12, m % 12 + 1, 1) for m in range(50)]
    PlannedValue.objects.bulk_create(
        PlannedValue(benefit=benefit, period=month, value=Decimal(1)) for month in months
    )
    path = tmp_path / "many.xlsx"
    write_register(path)
    for planned in PlannedValue.objects.all():
        change(planned, register.erin, value=planned.value + 1)

    with django_assert_max_num_queries(30):
        result = import_register(path, user=register.alice, dry_run=True)

    assert result.error_count == 53
    assert all(", Value: changed in Realise on " in error for error in errors_of(result))


def test_a_benefit_deleted_since_the_export_is_not_put_back(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-2")
    quality = Benefit.objects.get(reference="B-VET-2")
    pk = quality.pk
    set_history_user(quality, register.alice)
    quality.delete()
    when = later(exported, Benefit.history.filter(id=pk))

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Benefits!{row}, Reference: deleted in Realise on {shown(when)} by Alice, after this "
        f"workbook was exported on {shown(stamp_of(exported))}: {REDO}"
    ]
    assert not Benefit.objects.filter(reference="B-VET-2").exists()


def test_a_deletion_in_a_collaboration_hidden_from_the_importer_is_never_told(register, exported):
    """A benefit of another, private collaboration deleted since the export had the
    reference the workbook now gives a new benefit: the import neither refuses nor names it."""
    other = CollaborationFactory(name="Norfolk projects", slug="nf", visibility="private")
    share(other, "Norfolk", "100")
    hidden = BenefitFactory(
        initiative=InitiativeFactory(collaboration=other, slug="nf-vetting"), reference="B-NEW"
    )
    set_history_user(hidden, register.nora)
    hidden.delete()
    row = row_of(exported, BENEFITS, "B-VET-2")
    workbook = load_workbook(exported)
    sheet = workbook[BENEFITS]
    sheet.append(["B-NEW", *[cell.value for cell in sheet[row]][1:]])
    workbook.save(exported)

    result = import_register(exported, user=register.alice)

    assert result.ok and result.written, errors_of(result)
    assert Benefit.objects.get(reference="B-NEW").initiative == register.initiative
