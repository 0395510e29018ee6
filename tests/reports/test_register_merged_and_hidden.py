"""Realise's own workbook laid out by hand in Excel: merged cells are refused naming the
cells, nothing imported; hidden and filtered-out rows and hidden sheets are imported and
said so."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from realise.benefits.models import Benefit, PlannedValue
from realise.reports.register.importing import import_register
from realise.reports.register.layout import sheet_layout
from realise.reports.register.xlsx import BENEFITS, PLANNED
from tests.reports.conftest import edit, row_of

pytestmark = pytest.mark.django_db

MERGED = (
    "cells {cells} are merged: only {first} holds their value, and the other cells would "
    "be read as empty. Unmerge them and fill in each cell, then import the file again"
)


def errors_of(result) -> list[str]:
    return [str(error) for error in result.errors]


def change(path, sheet_edits) -> None:
    workbook = load_workbook(path)
    for sheet, how in sheet_edits.items():
        how(workbook[sheet])
    workbook.save(path)


def test_a_reference_merged_down_the_rows_is_refused_naming_the_cells(register, exported):
    """Three months of B-VET-1's plan under one merged reference: rows 3 and 4 would lose
    their benefit. The import names the cells and writes nothing, not even the rows that
    are right."""
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Renamed", (PLANNED, "C2"): 1234})
    change(exported, {PLANNED: lambda ws: ws.merge_cells("A2:A4")})

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        "Planned values!2, Benefit reference: " + MERGED.format(cells="A2:A4", first="A2")
    ]
    assert not result.written
    assert Benefit.objects.get(reference="B-VET-1").title != "Renamed"
    assert not PlannedValue.objects.filter(value=1234).exists()


def test_cells_merged_across_columns_that_are_read_are_refused(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-2")
    change(exported, {BENEFITS: lambda ws: ws.merge_cells(f"C{row}:D{row}")})

    result = import_register(exported, user=register.alice)

    assert errors_of(result) == [
        f"Benefits!{row}, Title: " + MERGED.format(cells=f"C{row}:D{row}", first=f"C{row}")
    ]


def test_cells_merged_beyond_the_columns_read_are_left_alone(register, exported):
    """A note of the user's own to the right of the register, merged over a few cells."""
    change(exported, {BENEFITS: lambda ws: ws.merge_cells("AD2:AF5")})

    result = import_register(exported, user=register.alice)

    assert result.ok and result.written, errors_of(result)


def hide(rows):
    def hiding(ws):
        for row in rows:
            ws.row_dimensions[row].hidden = True

    return hiding


def test_hidden_rows_are_imported_and_named(register, exported):
    """A user may hide or filter out rows to look at others: the rows are still there, so
    they are imported, and the outcome says which ones were hidden."""
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Renamed while hidden"})
    change(exported, {BENEFITS: hide([row]), PLANNED: hide([2, 3, 4, 9])})

    result = import_register(exported, user=register.alice)

    assert result.ok and result.written, errors_of(result)
    assert Benefit.objects.get(reference="B-VET-1").title == "Renamed while hidden"
    assert result.notes == [
        f"Sheet 'Benefits': row {row} is hidden or filtered out; it is imported like every "
        "other row.",
        "Sheet 'Planned values': rows 2 to 4 are hidden or filtered out; they are imported "
        "like every other row.",
    ]


def test_a_hidden_sheet_of_the_register_is_imported_and_named(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Renamed on a hidden sheet"})
    change(exported, {BENEFITS: lambda ws: setattr(ws, "sheet_state", "hidden")})

    result = import_register(exported, user=register.alice)

    assert result.ok and result.written, errors_of(result)
    assert Benefit.objects.get(reference="B-VET-1").title == "Renamed on a hidden sheet"
    assert result.notes == ["Sheet 'Benefits' is hidden; it is imported all the same."]


def test_the_command_prints_the_merged_cells_and_the_hidden_rows(register, exported, capsys):
    change(exported, {PLANNED: lambda ws: ws.merge_cells("A2:A3"), BENEFITS: hide([2])})

    with pytest.raises(SystemExit) as exit_:
        call_command("import-register", str(exported), user=register.alice.username)

    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Planned values!2, Benefit reference: cells A2:A3 are merged" in err
    assert "Sheet 'Benefits': row 2 is hidden or filtered out" in err


def test_merged_cells_and_hidden_rows_found_in_the_sheet_xml():
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="4" hidden="1" spans="1:3"><c r="A4"><v>1</v></c></row>'
        b'<row hidden="true"></row>'  # no number: the one after row 4
        b'<row r="9" hidden="0"></row></sheetData>'
        b'<rowBreaks count="1"><brk id="3" hidden="1"/></rowBreaks>'
        b'<mergeCells count="2"><mergeCell ref="B4:B6"/><mergeCell ref="AA10:AC10"/>'
        b"</mergeCells></worksheet>"
    )
    layout = sheet_layout(lambda: io.BytesIO(sheet))
    assert layout.hidden_rows == {4, 5}
    assert [cells.name for cells in layout.merged] == ["B4:B6", "AA10:AC10"]
    plain = sheet_layout(lambda: io.BytesIO(b"<worksheet><sheetData/></worksheet>"))
    assert (plain.hidden_rows, plain.merged) == (set(), [])
