"""A force's own register laid out as people lay registers out in Excel: a reference merged
down the rows of its months is refused naming the cells (nothing imported); hidden and
filtered-out rows, and a hidden sheet, are imported and said so before and after."""

import io

from openpyxl import Workbook

from realise.benefits.models import Benefit
from realise.reports.mapped.grid import read_grid
from realise.reports.mapped.mapping import parse_mapping
from realise.reports.mapped.translate import preview
from realise.reports.models import ImportJob
from tests.reports.test_mapped_register import (
    STANDARD,
    STANDARD_COLUMNS,
    STANDARD_HEADERS,
    form_data,
    plans,
    ready,  # noqa: F401 - the fixture
    run,
    upload,
)

MERGED = (
    "cells {cells} are merged: only {first} holds their value, and the other cells would "
    "be read as empty. Unmerge them and fill in each cell, then import the file again"
)


def workbook(rows, merges=(), hidden_rows=(), hidden_sheet=False, lists_first=False) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Register"
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    for row in hidden_rows:
        sheet.row_dimensions[row].hidden = True
    if hidden_sheet:
        sheet.sheet_state = "hidden"
        book.create_sheet("Summary")["A1"] = "See the Register sheet"
    if lists_first:
        lists = book.create_sheet("Lookups", 0)
        lists["A1"] = "1a"
        lists.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def months_down_merged():
    """A title block (merged across), the header on row 3, then EK-1's three months with
    its reference and title merged down the rows B4:B6 and C4:C6, as often laid out."""
    rows = [
        ["EK benefits register"],
        [],
        ["Line", "Ref", "Benefit", *STANDARD_HEADERS, "Month", "Plan"],
        [1, "EK-1", "Fewer agency vetters", *STANDARD, "Apr-25", 1000],
        [2, None, None, *STANDARD, "May-25", 1100],
        [3, None, None, *STANDARD, "Jun-25", 1200],
        [4, "EK-2", "Shared contract", *STANDARD, "Apr-25", 250],
    ]
    mapping = {
        "sheet": "Register",
        "header_row": 3,
        "initiative": "joint-vetting",
        "columns": {
            "reference": "Ref",
            "title": "Benefit",
            **STANDARD_COLUMNS,
            "month": "Month",
            "planned": "Plan",
        },
    }
    merges = ["A1:K1", "B4:B6", "C4:C6"]
    return rows, merges, mapping


def test_a_reference_merged_down_the_rows_is_refused_naming_the_cells(ready):  # noqa: F811
    rows, merges, mapping = months_down_merged()
    result = run(workbook(rows, merges), "register.xlsx", mapping, ready.alice)

    assert result.problems == [
        "Register!B4: " + MERGED.format(cells="B4:B6", first="B4"),
        "Register!C4: " + MERGED.format(cells="C4:C6", first="C4"),
    ]
    assert not result.written
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


def test_merged_cells_outside_the_mapped_cells_are_left_alone(ready):  # noqa: F811
    """A title block merged across the sheet, and a comment merged beside the rows in a
    column the mapping does not read."""
    rows, _, mapping = months_down_merged()
    rows[4][1:3] = rows[5][1:3] = ["EK-1", "Fewer agency vetters"]
    for row in rows[3:]:
        row.extend([None, "Checked by finance" if row is rows[3] else None])
    result = run(workbook(rows, ["A1:K1", "M4:M6"]), "register.xlsx", mapping, ready.alice)

    assert result.ok, result.problems
    assert len(plans("EK-1")) == 3


def test_the_preview_page_shows_the_merged_cells_beside_their_row(client, ready):  # noqa: F811
    client.force_login(ready.alice)
    rows, merges, mapping = months_down_merged()
    upload(client, workbook(rows, merges), "register.xlsx")
    job = ImportJob.objects.get()

    page = client.post(f"/register/map/{job.pk}/", form_data(mapping, action="preview"))

    assert page.context["problems"][0] == "Register!B4: " + MERGED.format(cells="B4:B6", first="B4")
    first = page.context["result"].preview[0]
    assert first.row == 4
    assert ("Reference", "EK-1", [MERGED.format(cells="B4:B6", first="B4")]) in first.fields

    response = client.post(f"/register/map/{job.pk}/", form_data(mapping, action="import"))
    assert response.status_code == 200
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


def months_across(hidden_rows=(), hidden_sheet=False, lists_first=False):
    rows = [
        ["Reference", "Benefit", *STANDARD_HEADERS, "Apr-25", "May-25"],
        ["EK-1", "Fewer agency vetters", *STANDARD, 1000, 1100],
        ["EK-2", "Shared contract", *STANDARD, 250, None],
        ["EK-3", "Old idea, dropped", *STANDARD, 10, None],
        ["EK-4", "Fewer vehicles", *STANDARD, 20, 30],
        [],
        [],
    ]
    mapping = {
        "sheet": "Register",
        "header_row": 1,
        "initiative": "joint-vetting",
        "columns": {"reference": "Reference", "title": "Benefit", **STANDARD_COLUMNS},
        "monthly": [{"kind": "planned", "first_column": "I", "last_column": "J"}],
    }
    data = workbook(rows, (), hidden_rows, hidden_sheet, lists_first)
    return data, "register.xlsx", mapping


HIDDEN = (
    "Sheet 'Register': rows 3 and 5 are hidden or filtered out; they are imported like "
    "every other row."
)


def test_hidden_rows_are_imported_and_named_in_the_preview_and_the_outcome(ready):  # noqa: F811
    data, name, mapping = months_across(hidden_rows=[3, 5, 7])  # row 7 is empty

    checked = preview(read_grid(data, name), parse_mapping(mapping), user=ready.alice)
    assert checked.ok, checked.problems
    assert checked.notes == [HIDDEN]
    assert [(row.row, row.hidden) for row in checked.preview] == [
        (2, False),
        (3, True),
        (4, False),
        (5, True),
    ]

    result = run(data, name, mapping, ready.alice)
    assert result.ok and result.written, result.problems
    assert result.notes == [HIDDEN]
    assert Benefit.objects.filter(reference__startswith="EK-").count() == 4


def test_the_pages_say_which_rows_are_hidden_before_and_after_the_import(client, ready):  # noqa: F811
    client.force_login(ready.alice)
    data, name, mapping = months_across(hidden_rows=[3, 5])
    upload(client, data, name)
    job = ImportJob.objects.get()

    for action in ("preview", "dry-run"):
        page = client.post(f"/register/map/{job.pk}/", form_data(mapping, action=action))
        html = page.content.decode()
        assert "rows 3 and 5 are hidden or filtered out" in html, action

    response = client.post(f"/register/map/{job.pk}/", form_data(mapping, action="import"))
    job.refresh_from_db()
    assert job.status == "done", job.errors
    outcome = client.get(response["Location"]).content.decode()
    assert "rows 3 and 5 are hidden or filtered out; they are imported like every other" in (
        outcome
    )


def test_the_preview_table_marks_hidden_rows(client, ready):  # noqa: F811
    client.force_login(ready.alice)
    data, name, mapping = months_across(hidden_rows=[3])
    upload(client, data, name)
    job = ImportJob.objects.get()

    page = client.post(f"/register/map/{job.pk}/", form_data(mapping, action="preview"))

    table = page.content.decode().split('id="preview"', 1)[1]
    assert "3 (hidden)" in table and "2 (hidden)" not in table


def test_a_hidden_sheet_is_imported_and_named(ready):  # noqa: F811
    data, name, mapping = months_across(hidden_sheet=True)

    result = run(data, name, mapping, ready.alice)

    assert result.ok and result.written, result.problems
    assert result.notes == ["Sheet 'Register' is hidden; it is imported all the same."]


def test_the_map_page_starts_from_the_first_sheet_that_is_not_hidden(client, ready):  # noqa: F811
    client.force_login(ready.alice)
    data, name, _ = months_across(lists_first=True)
    upload(client, data, name)
    job = ImportJob.objects.get()

    page = client.get(f"/register/map/{job.pk}/")

    assert page.context["form"].initial["sheet"] == "Register"
    assert page.context["form"].initial["col_reference"] == "Reference"


def test_the_command_prints_the_hidden_rows_with_its_counts(ready, tmp_path, capsys):  # noqa: F811
    import json

    from django.core.management import call_command

    data, name, mapping = months_across(hidden_rows=[3, 5])
    (tmp_path / name).write_bytes(data)
    (tmp_path / "mapping.json").write_text(json.dumps(mapping))

    call_command(
        "import-register",
        str(tmp_path / name),
        mapping=str(tmp_path / "mapping.json"),
        user=ready.alice.username,
    )

    out = capsys.readouterr().out
    assert "Benefits created: 4" in out and HIDDEN in out
