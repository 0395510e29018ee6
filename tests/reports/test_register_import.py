"""Importing the register: all rows or none, every error named, history kept."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import QuerySet
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from realise.benefits.models import Benefit, Measurement, PlannedValue
from realise.collaborations.models import Initiative
from realise.reports.register.importing import import_register
from realise.reports.register.xlsx import (
    ACTUALS,
    BENEFITS,
    INITIATIVES,
    PLANNED,
    write_register,
)
from tests.factories import CollaborationFactory, UserFactory, member, share
from tests.reports.conftest import append_row, edit, history_counts, row_of

pytestmark = pytest.mark.django_db


REMOVED = (
    "was deleted by someone else while the register was being imported; nothing was "
    "changed: import the file again"
)


def errors_of(result) -> list[str]:
    return [str(error) for error in result.errors]


def test_export_then_import_unchanged_changes_nothing(register, exported):
    before = history_counts()
    versions = dict(Benefit.objects.values_list("reference", "version"))

    result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    assert result.changes == 0
    assert result.counts[BENEFITS].unchanged == 2
    assert result.counts[PLANNED].unchanged == 3
    assert result.counts[ACTUALS].unchanged == 2
    assert result.counts[INITIATIVES].unchanged == 1
    assert history_counts() == before
    assert dict(Benefit.objects.values_list("reference", "version")) == versions


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The sheets whose data rows openpyxl parses, once for each time it parses them."""
    titles: list[str] = []
    real_iter_rows = ReadOnlyWorksheet.iter_rows

    def counted(self, *args, min_row=None, **kwargs):
        if min_row == 2:  # the data rows, not the header
            titles.append(self.title)
        return real_iter_rows(self, *args, min_row=min_row, **kwargs)

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counted)
    return titles


def test_an_unchanged_register_is_read_once_and_its_progress_reaches_the_end(
    register, exported, reads
):
    progress = []
    result = import_register(
        exported, user=register.alice, progress=lambda *event: progress.append(event)
    )

    assert result.ok and result.written and result.changes == 0
    assert sorted(reads) == sorted([INITIATIVES, BENEFITS, PLANNED, ACTUALS])
    phase, done, total = progress[-1]
    assert phase == "write" and done == total == 8


def test_a_changed_register_is_parsed_once_and_written_from_the_rows_the_check_read(
    register, exported, reads
):
    """The write reads back the rows the check kept, not the workbook: the file is parsed
    once, and what is written is what was checked."""
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Smaller vetting backlog"})
    progress = []
    result = import_register(
        exported, user=register.alice, progress=lambda *event: progress.append(event)
    )

    assert result.ok and result.written, errors_of(result)
    assert result.counts[BENEFITS].updated == 1
    assert Benefit.objects.get(reference="B-VET-1").title == "Smaller vetting backlog"
    assert sorted(reads) == sorted([INITIATIVES, BENEFITS, PLANNED, ACTUALS])
    assert progress[-1] == ("write", 8, 8)


def test_a_read_only_viewer_may_import_an_unchanged_register(register, exported):
    result = import_register(exported, user=register.dave)

    assert result.ok, errors_of(result)
    assert result.changes == 0


def test_creates_and_updates_with_history_for_the_importing_user(register, exported):
    version = Benefit.objects.get(reference="B-VET-1").version
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(
        exported,
        {
            (BENEFITS, f"C{row}"): "Smaller vetting backlog",
            (BENEFITS, f"L{row}"): 75000,
            (PLANNED, "C3"): 2500,  # February 2025: 2000.50 -> 2500
        },
    )
    append_row(
        exported,
        BENEFITS,
        [
            "B-VET-3",
            "joint-vetting",
            "Fewer re-vets",
            "",
            "1b Savings: time",
            "Decrease",
            "Hours spent re-vetting",
            "Hours",
            "Quantitative",
            400,
            None,
            250,
            None,
            "Erin Owner <erin@kent.police.example>",
            "Frank Measurer <frank@essex.police.example>",
            "No",
            "No",
            "Yes",
            None,
            "Proposed",
        ],
    )
    append_row(exported, PLANNED, ["B-VET-3", "2025-04", 10])
    append_row(exported, ACTUALS, ["B-VET-3", "2025-04", "", 12.5, "", "Ledger extract"])
    append_row(
        exported, ACTUALS, ["B-VET-1", "2025-03", "E23000032", 700, "", "Ledger extract"]
    )  # Kent

    result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    assert (result.counts[BENEFITS].created, result.counts[BENEFITS].updated) == (1, 1)
    assert (result.counts[PLANNED].created, result.counts[PLANNED].updated) == (1, 1)
    assert result.counts[PLANNED].unchanged == 2
    assert result.counts[ACTUALS].created == 2
    benefit = Benefit.objects.get(reference="B-VET-1")
    assert benefit.title == "Smaller vetting backlog"
    assert benefit.target_value == Decimal("75000.00")
    assert benefit.version == version + 1
    new = Benefit.objects.get(reference="B-VET-3")
    assert (new.subcategory, new.direction, new.unit) == ("1b", "decrease", "hours")
    assert new.owner == register.erin_person
    assert new.initiative == register.initiative
    assert PlannedValue.objects.get(
        benefit=benefit, period=datetime.date(2025, 2, 1)
    ).value == Decimal("2500.00")
    kent = Measurement.objects.get(benefit=benefit, period=datetime.date(2025, 3, 1))
    assert kent.force.name == "Kent" and kent.value == Decimal("700.00")
    assert kent.entered_by == register.alice
    latest = benefit.history.latest()
    assert latest.history_user == register.alice and latest.history_type == "~"
    assert new.history.get().history_user == register.alice
    assert kent.history.get().history_user == register.alice


def test_a_new_initiative_is_created_and_its_benefits_join_it(register, exported):
    append_row(
        exported,
        INITIATIVES,
        [
            "shared-firearms",
            "ek",
            "Shared firearms training",
            None,
            "Active",
            None,
            None,
            None,
            "One range for both forces.",
        ],
    )
    append_row(
        exported,
        BENEFITS,
        [
            "B-FA-1",
            "shared-firearms",
            "Range costs shared",
            "",
            "1a",
            "decrease",
            "Range running costs",
            "GBP",
            "quantitative",
            50000,
            None,
            30000,
            None,
            None,
            None,
            "Yes",
            "No",
            "Yes",
            None,
            "Proposed",
        ],
    )

    result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    initiative = Initiative.objects.get(slug="shared-firearms")
    assert initiative.collaboration == register.collab and initiative.stage == 0
    assert initiative.history.get().history_user == register.alice
    assert Benefit.objects.get(reference="B-FA-1").initiative == initiative


def test_one_bad_row_writes_nothing(register, exported):
    before = history_counts()
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "A new title", (PLANNED, "C2"): 1})
    append_row(exported, ACTUALS, ["B-VET-1", "2025-05", "", "lots", "", "Ledger extract"])
    rows = row_of(exported, ACTUALS, "B-VET-1") + 2

    result = import_register(exported, user=register.alice)

    assert not result.ok
    assert errors_of(result) == [f"Actuals!{rows}, Value: 'lots' is not a number"]
    assert Benefit.objects.get(reference="B-VET-1").title == "Reduced vetting backlog"
    assert history_counts() == before


def test_dry_run_counts_but_writes_nothing(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "A new title"})

    result = import_register(exported, user=register.alice, dry_run=True)

    assert result.ok and result.counts[BENEFITS].updated == 1 and not result.written
    assert Benefit.objects.get(reference="B-VET-1").title == "Reduced vetting backlog"


# Broken files: each problem named by sheet, row, column and reason ----------------------------


def test_not_a_workbook(register, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("just some text")

    result = import_register(path, user=register.alice)

    assert errors_of(result) == ["Workbook: the file is not an Excel workbook (.xlsx)"]


def test_a_wrong_sheet(register, exported):
    from openpyxl import load_workbook

    workbook = load_workbook(exported)
    workbook[BENEFITS].title = "Benefit"
    workbook.save(exported)

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == ['Benefits: the workbook has no sheet called "Benefits"']
    assert result.notes == ["Sheet 'Benefit' was not read."]


def test_a_missing_column(register, exported):
    from openpyxl import load_workbook

    workbook = load_workbook(exported)
    workbook[BENEFITS].delete_cols(14)  # Owner
    workbook.save(exported)

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == ["Benefits!1, Owner: the column is missing"]


def test_a_bad_category(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"E{row}"): "4z Savings: magic"})

    result = import_register(exported, user=register.alice)

    [error] = result.errors
    assert (error.sheet, error.row, error.column) == (BENEFITS, row, "Sub-category")
    assert error.reason.startswith("'4z Savings: magic' is not a sub-category; use one of 1a")


def test_text_in_a_number_cell(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"J{row}"): "about a hundred grand", (PLANNED, "C4"): "n/a"})

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Benefits!{row}, Baseline: 'about a hundred grand' is not a number",
        "Planned values!4, Value: 'n/a' is not a number",
    ]


def test_a_duplicate_reference(register, exported):
    first = row_of(exported, BENEFITS, "B-VET-2")
    copy = append_row(
        exported,
        BENEFITS,
        [
            "B-VET-2",
            "joint-vetting",
            "Copy",
            "",
            "2a",
            "Increase",
            "",
            "Score",
            "Quantitative",
            None,
            None,
            None,
            None,
            None,
            None,
            "No",
            "No",
            "Yes",
            None,
            "Proposed",
        ],
    )
    append_row(exported, PLANNED, ["B-VET-1", "2025-01", 5])

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Benefits!{copy}, Reference: 'B-VET-2' is also on row {first}",
        "Planned values!5, Month: B-VET-1 2025-01 is on an earlier row as well",
    ]


def test_an_unknown_owner(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"N{row}"): "Nobody Atall <nobody@example.org>"})

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Benefits!{row}, Owner: unknown person 'Nobody Atall <nobody@example.org>'; "
        "choose someone from the list (Name <email>)"
    ]


def test_owners_by_name_or_email_alone(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(
        exported,
        {(BENEFITS, f"N{row}"): "frank@essex.police.example", (BENEFITS, f"O{row}"): "erin owner"},
    )

    result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    benefit = Benefit.objects.get(reference="B-VET-1")
    assert (benefit.owner, benefit.measurement_owner) == (register.frank, register.erin_person)


def test_unknown_initiative_bad_month_and_unknown_force(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-2")
    edit(
        exported,
        {
            (BENEFITS, f"B{row}"): "no-such-initiative",
            (PLANNED, "B2"): "2025-13",
            (ACTUALS, "C3"): "E99999999",
        },
    )
    planned = append_row(exported, PLANNED, ["B-NOPE", "2025-01", 1])

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Benefits!{row}, Initiative: unknown initiative 'no-such-initiative'",
        "Planned values!2, Month: '2025-13' is not a month; write it as YYYY-MM, e.g. 2026-10",
        f"Planned values!{planned}, Benefit reference: unknown benefit 'B-NOPE'",
        "Actuals!3, Force code: unknown force code 'E99999999'; use a force's ONS code "
        "(e.g. E23000028) or leave it blank for the whole collaboration",
    ]


def test_stage_changes_and_future_actuals_are_refused(register, exported):
    edit(exported, {(INITIATIVES, "D2"): "4 Implementation"})
    row = append_row(exported, ACTUALS, ["B-VET-1", "2060-01", "", 5, "", "Ledger extract"])

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        "Initiatives!2, Stage: The stage moves only through a stage decision: on the "
        "initiative's stage page, or with POST /api/v1/stage-decisions/. A new initiative "
        "starts at 0 Strategic assessment.",
        f"Actuals!{row}, Month: Actuals can only be recorded for months that have begun.",
    ]


def test_every_error_is_listed_not_just_the_first(register, exported):
    edit(exported, {(PLANNED, "C2"): "x", (PLANNED, "C3"): "y", (PLANNED, "C4"): "z"})

    result = import_register(exported, user=register.alice)

    assert [e.row for e in result.errors] == [2, 3, 4]
    assert result.error_count == 3


# Permissions: the importing user must be allowed to write each row ----------------------------


def test_a_force_lead_records_actuals_for_their_own_force_only(register, exported):
    essex = append_row(
        exported, ACTUALS, ["B-VET-1", "2025-03", "E23000028", 800, "", "Ledger extract"]
    )
    kent = append_row(
        exported, ACTUALS, ["B-VET-1", "2025-04", "E23000032", 900, "", "Ledger extract"]
    )
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Renamed by bob"})

    result = import_register(exported, user=register.bob)

    assert errors_of(result) == [
        f"Benefits!{row}, Reference: you may not change the benefit 'B-VET-1'",
        f"Actuals!{kent}, Benefit reference: "
        "You may not record actuals for Kent on benefit B-VET-1.",
    ]
    assert essex not in [e.row for e in result.errors]


def test_a_force_lead_import_of_their_own_actuals_succeeds(register, exported):
    append_row(exported, ACTUALS, ["B-VET-1", "2025-03", "E23000028", 800, "", "Ledger extract"])

    result = import_register(exported, user=register.bob)

    assert result.ok, errors_of(result)
    recorded = Measurement.objects.get(period=datetime.date(2025, 3, 1))
    assert recorded.force.name == "Essex" and recorded.entered_by == register.bob


def test_an_outsider_may_not_add_benefits(register, exported):
    register.collab.visibility = "policing"  # seen by every signed-in user; theirs to edit
    register.collab.save()
    outsider = UserFactory(username="olive")
    row = append_row(
        exported,
        BENEFITS,
        [
            "B-X-1",
            "joint-vetting",
            "Sneaky",
            "",
            "1a",
            "Decrease",
            "",
            "GBP",
            "Quantitative",
            None,
            None,
            None,
            None,
            None,
            None,
            "No",
            "No",
            "Yes",
            None,
            "Proposed",
        ],
    )

    result = import_register(exported, user=outsider)

    assert errors_of(result) == [
        f"Benefits!{row}, Reference: you may not add benefits to initiative 'joint-vetting'"
    ]
    assert not Benefit.objects.filter(reference="B-X-1").exists()


# Evidence and verification on the Actuals sheet -------------------------------------------------


def test_a_new_or_changed_actual_needs_its_evidence_note(register, exported):
    new = append_row(exported, ACTUALS, ["B-VET-1", "2025-03", "", 800, "", ""])
    changed = row_of(exported, ACTUALS, "B-VET-1")  # January's, whole collaboration
    edit(exported, {(ACTUALS, f"D{changed}"): 950})

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Actuals!{changed}, Evidence note: Give an evidence note or attach a file.",
        f"Actuals!{new}, Evidence note: Give an evidence note or attach a file.",
    ]


def test_the_evidence_note_is_recorded_as_evidence(register, exported):
    append_row(exported, ACTUALS, ["B-VET-1", "2025-03", "", 800, "", "Finance ledger, March"])

    result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    added = Measurement.objects.get(period=datetime.date(2025, 3, 1))
    assert [e.note for e in added.evidence.all()] == ["Finance ledger, March"]
    assert added.evidence.get().uploaded_by == register.alice
    assert (added.entered_by, added.changed_by) == (register.alice, register.alice)


def _verified_january(register):
    from realise.benefits.services import verify_measurement

    january = Measurement.objects.get(period=datetime.date(2025, 1, 1))
    january.entered_by = january.changed_by = register.bob
    january.save()
    january.evidence.create(note="Budget monitoring report", uploaded_by=register.bob)
    return verify_measurement(january, user=register.alice)


def test_the_sheet_shows_evidence_and_who_verified_and_an_unchanged_import_keeps_it(
    register, tmp_path
):
    from openpyxl import load_workbook

    from realise.reports.register.xlsx import write_register

    register.alice.first_name, register.alice.last_name = "Alice", "Programme"
    register.alice.save()
    january = _verified_january(register)
    path = tmp_path / "verified.xlsx"
    write_register(path)
    sheet = load_workbook(path)[ACTUALS]
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    values = dict(zip(header, row, strict=True))
    assert values["Evidence note"] == "Budget monitoring report"
    assert values["Verified by"] == "Alice Programme"
    assert values["Verified at"].startswith(january.verified_at.strftime("%Y-"))

    result = import_register(path, user=register.bob)

    assert result.ok, errors_of(result)
    assert result.changes == 0
    assert Measurement.objects.get(pk=january.pk).verified_by == register.alice


def deleted_as_read_whole(monkeypatch, model) -> None:
    """Rows of `model` are deleted by someone else just before the import reads them whole
    to write them (after its check read them)."""
    read_whole = QuerySet.in_bulk

    def deleted_first(self, id_list=None, **kwargs):
        if self.model is model:
            model.objects.filter(pk__in=id_list).delete()
        return read_whole(self, id_list, **kwargs)

    monkeypatch.setattr(QuerySet, "in_bulk", deleted_first)


def test_a_planned_value_deleted_while_the_import_writes_stops_it_naming_the_row(
    register, exported, monkeypatch
):
    edit(exported, {(PLANNED, "C3"): 2500})  # February 2025: 2000.50 -> 2500
    february = PlannedValue.objects.get(
        benefit__reference="B-VET-1", period=datetime.date(2025, 2, 1)
    )
    deleted_as_read_whole(monkeypatch, PlannedValue)
    before = history_counts()

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [f"{PLANNED}!3, Month: {REMOVED}"]
    assert not result.written
    assert PlannedValue.objects.get(pk=february.pk).value == Decimal("2000.50")
    assert history_counts() == before


def test_an_actual_deleted_while_the_import_writes_stops_it_naming_the_row(
    register, exported, monkeypatch
):
    january = row_of(exported, ACTUALS, "B-VET-1")
    edit(exported, {(ACTUALS, f"D{january}"): 925, (ACTUALS, f"F{january}"): "Revised ledger"})
    stored = Measurement.objects.filter(benefit__reference="B-VET-1").count()
    deleted_as_read_whole(monkeypatch, Measurement)
    before = history_counts()

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [f"{ACTUALS}!{january}, Month: {REMOVED}"]
    assert not result.written
    assert Measurement.objects.filter(benefit__reference="B-VET-1").count() == stored
    assert history_counts() == before


def test_an_import_that_changes_a_verified_actual_clears_its_verification(register, tmp_path):
    from realise.reports.register.xlsx import write_register

    january = _verified_january(register)
    path = tmp_path / "verified.xlsx"
    write_register(path)
    edit(path, {(ACTUALS, "D2"): 925, (ACTUALS, "F2"): "Revised budget monitoring report"})

    result = import_register(path, user=register.erin)

    assert result.ok, errors_of(result)
    changed = Measurement.objects.get(pk=january.pk)
    assert changed.value == Decimal("925.00")
    assert (changed.verified_by, changed.verified_at) == (None, None)
    assert changed.changed_by == register.erin
    assert changed.evidence.order_by("-pk").first().note == "Revised budget monitoring report"


def test_an_import_never_sets_verification(register, exported):
    january = row_of(exported, ACTUALS, "B-VET-1")
    edit(exported, {(ACTUALS, f"G{january}"): "alice"})

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Actuals!{january}, Verified by: Verification is read-only in the register: actuals "
        "are verified on the page 'Actuals awaiting verification' or through the API, by "
        "someone other than whoever entered or last changed them."
    ]
    assert not Measurement.objects.filter(verified_at__isnull=False).exists()


# Refusing exactly -------------------------------------------------------------------------


@pytest.mark.parametrize("sheet", [PLANNED, ACTUALS])
@pytest.mark.parametrize("value", [100.005, "100.005", "£1,000.001"])
def test_a_value_with_more_than_two_decimal_places_is_refused_not_rounded(
    register, exported, sheet, value
):
    before = history_counts()
    column = "C" if sheet == PLANNED else "D"
    edit(exported, {(sheet, f"{column}2"): value})

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [f"{sheet}!2, Value: '{value}' has more than two decimal places"]
    assert history_counts() == before


def test_a_baseline_with_more_than_two_decimal_places_is_refused(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"J{row}"): 1.999})

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Benefits!{row}, Baseline: '1.999' has more than two decimal places"
    ]


def test_pounds_and_pence_stored_as_binary_fractions_read_as_typed(register, exported):
    # A sum or product in a spreadsheet is kept as the nearest binary fraction
    # (1000.3000000000001, 2.0999999999999996): read to the 15 digits a spreadsheet
    # shows, it is the pounds and pence it stands for.
    edit(exported, {(PLANNED, "C3"): 1000.1 + 0.2, (PLANNED, "C4"): 0.7 * 3})
    assert repr(1000.1 + 0.2) == "1000.3000000000001" and repr(0.7 * 3) == "2.0999999999999996"

    result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    values = list(PlannedValue.objects.order_by("period").values_list("value", flat=True))
    assert values == [Decimal("1000.00"), Decimal("1000.30"), Decimal("2.10")]


def test_a_number_that_is_not_one_is_quoted_as_typed(register, exported):
    edit(exported, {(PLANNED, "C2"): "12 hours", (PLANNED, "C3"): " 1 200 "})

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == ["Planned values!2, Value: '12 hours' is not a number"]


def test_a_formula_with_no_calculated_value_is_refused_naming_the_cell(register, exported):
    # openpyxl, like any program that writes a workbook without calculating it, stores the
    # formula alone: read for its values, the cell would be empty.
    new = append_row(exported, ACTUALS, ["B-VET-1", "2025-03", "", "=D2*0.9", "", "Ledger"])

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Actuals!{new}, Value: the cell holds a formula with no calculated value: open and "
        "save the workbook in Excel, or enter the value"
    ]
    assert not Measurement.objects.filter(period=datetime.date(2025, 3, 1)).exists()


def test_a_sheet_the_register_does_not_use_is_left_alone_and_named(register, exported):
    from openpyxl import load_workbook

    workbook = load_workbook(exported)
    workbook.create_sheet("Notes")["A1"] = "Checked by the finance team"
    workbook.save(exported)
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Renamed"})

    result = import_register(exported, user=register.alice)

    assert result.ok and result.written, errors_of(result)
    assert result.notes == ["Sheet 'Notes' was not read."]
    assert Benefit.objects.get(reference="B-VET-1").title == "Renamed"


def test_formulas_with_and_without_their_calculated_values():
    import io

    from realise.reports.register.formulas import uncalculated_cells

    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>"
        b'<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f>A2*2</f><v>2</v></c>'
        b'<c r="C2" t="str"><f>IF(A2="","",A2)</f><v></v></c>'  # calculated: empty text
        b'<c r="D2"><f>A2*0.9</f><v></v></c></row>'  # as openpyxl writes it
        b'<row r="5"><c r="AB5"><f t="shared" si="0"/></c></row>'  # no value at all
        b"</sheetData></worksheet>"
    )
    assert uncalculated_cells(lambda: io.BytesIO(sheet)) == {(2, 3), (5, 27)}
    assert uncalculated_cells(lambda: io.BytesIO(b"<worksheet><sheetData/></worksheet>")) == set()


def test_records_of_a_collaboration_hidden_from_the_importer_are_unknown(register, exported):
    """Someone who may not see the private collaboration imports a register naming its
    records: each is refused as unknown, nothing is changed, and nothing of it is told."""
    other = CollaborationFactory(name="Norfolk projects", slug="nf", visibility="policing")
    share(other, "Norfolk", "100")
    outsider = member("norman", "Norfolk", "programme_team", other)
    edit(exported, {(BENEFITS, f"C{row_of(exported, BENEFITS, 'B-VET-1')}"): "Renamed"})
    before = history_counts()

    result = import_register(exported, user=outsider)

    assert not result.ok and not result.written
    errors = errors_of(result)
    assert f"Initiatives!2, Collaboration: unknown collaboration '{register.collab.slug}'" in errors
    # Its row is refused as unknown: the benefit, or its owners (people the importer may not
    # choose, as a form would not offer them).
    row = row_of(exported, BENEFITS, "B-VET-1")
    assert [e for e in errors if e.startswith(f"Benefits!{row},")]
    assert all("unknown" in e for e in errors if e.startswith(f"Benefits!{row},"))
    assert not [e for e in errors if "may not" in e or "belongs to" in e]
    assert history_counts() == before
    assert Benefit.objects.get(reference="B-VET-1").title != "Renamed"


def test_a_hidden_benefit_named_only_by_its_actuals_is_unknown(register, tmp_path):
    """A workbook whose planned values and actuals name a benefit hidden from the importer,
    without listing it on the Benefits sheet."""
    other = CollaborationFactory(name="Norfolk projects", slug="nf", visibility="policing")
    share(other, "Norfolk", "100")
    outsider = member("norman", "Norfolk", "programme_team", other)
    path = tmp_path / "register.xlsx"
    write_register(path, Initiative.objects.filter(collaboration=other))
    planned = append_row(path, PLANNED, ["B-VET-1", "2025-06", 5])
    actual = append_row(path, ACTUALS, ["B-VET-1", "2025-06", None, 5, None, "Payroll"])

    result = import_register(path, user=outsider)

    assert errors_of(result) == [
        f"Planned values!{planned}, Benefit reference: unknown benefit 'B-VET-1'",
        f"Actuals!{actual}, Benefit reference: unknown benefit 'B-VET-1'",
    ]
    assert not PlannedValue.objects.filter(period=datetime.date(2025, 6, 1)).exists()


def test_an_owner_the_importer_may_not_choose_is_unknown(register, exported):
    """Someone known only through a private collaboration of other forces is not found by
    label, email or name, as a form would not offer them (and the refusal names only what
    was typed)."""
    from tests.factories import BenefitFactory, InitiativeFactory, PersonFactory

    secret = CollaborationFactory(slug="secret", visibility="private")
    harriet = PersonFactory(name="Harriet Hidden", email="harriet@norfolk.police.example")
    BenefitFactory(initiative=InitiativeFactory(collaboration=secret), owner=harriet)
    row = row_of(exported, BENEFITS, "B-VET-1")
    for typed in (
        "Harriet Hidden <harriet@norfolk.police.example>",
        "harriet@norfolk.police.example",
        "Harriet Hidden",
        f"Harriet Hidden (#{harriet.pk})",
    ):
        edit(exported, {(BENEFITS, f"N{row}"): typed})
        result = import_register(exported, user=register.alice)
        assert errors_of(result) == [
            f"Benefits!{row}, Owner: unknown person '{typed}'; "
            "choose someone from the list (Name <email>)"
        ], typed
    assert Benefit.objects.get(reference="B-VET-1").owner == register.erin_person
