"""A force's own register as a finance team writes it: units typed as '£' or 'pounds',
dates typed as text, hidden sheets named wherever sheets are offered, and an .ods file
whose merged cells, hidden rows and hidden sheets are found as an .xlsx file's are. Every
refusal names the cell and writes nothing."""

import datetime
import io
import json
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from django.core.management import call_command

from realise.benefits.models import Benefit, PlannedValue, Unit
from realise.reports.mapped.grid import read_grid
from realise.reports.mapped.mapping import parse_mapping
from realise.reports.mapped.translate import preview
from realise.reports.models import ImportJob
from realise.reports.register.cells import UNITS, read_date
from realise.reports.register.results import CellError
from tests.reports.test_mapped_merged_and_hidden import MERGED, workbook
from tests.reports.test_mapped_register import (
    STANDARD,
    STANDARD_COLUMNS,
    STANDARD_HEADERS,
    ready,  # noqa: F401 - the fixture
    run,
    upload,
)

D = datetime.date
UNITS_ACCEPTED = "use one of GBP (or £, pounds), hours, count, percent (or %), score, text"


def register(units=("GBP", "GBP"), target_date=None):
    """Two benefits, months across (plan for Apr-25 and May-25); the units as given."""
    rows = [
        ["Reference", "Benefit", *STANDARD_HEADERS, "Target date", "Apr-25", "May-25"],
        ["EK-1", "Fewer agency vetters", *STANDARD, None, 1000, 1100],
        ["EK-2", "Shared contract", *STANDARD, target_date, 250, None],
    ]
    for row, unit in zip(rows[1:], units, strict=True):
        row[5] = unit
    mapping = {
        "sheet": "Register",
        "header_row": 1,
        "initiative": "joint-vetting",
        "columns": {
            "reference": "Reference",
            "title": "Benefit",
            **STANDARD_COLUMNS,
            "target_date": "Target date",
        },
        "monthly": [{"kind": "planned", "first_column": "J", "last_column": "K"}],
    }
    return rows, mapping


# Units -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("£", Unit.GBP),
        (" £ ", Unit.GBP),
        ("£s", Unit.GBP),
        ("gbp", Unit.GBP),
        ("Pounds", Unit.GBP),
        ("pound", Unit.GBP),
        ("Pounds sterling", Unit.GBP),
        ("Pounds (GBP)", Unit.GBP),
        ("Hrs", Unit.HOURS),
        ("hour", Unit.HOURS),
        ("%", Unit.PERCENT),
        ("Per cent", Unit.PERCENT),
        ("Percentage", Unit.PERCENT),
        ("COUNT", Unit.COUNT),
    ],
)
def test_units_as_people_type_them(typed, unit):
    assert UNITS.read(typed) == unit


@pytest.mark.parametrize("typed", ["£k", "£000", "$", "euros", "days"])
def test_an_unknown_unit_is_refused_listing_what_is_accepted(typed):
    """'£k' and '£000' are thousands of pounds: read as pounds, every figure would be a
    thousand times too small, so they are refused, not guessed."""
    with pytest.raises(CellError) as refused:
        UNITS.read(typed)
    assert str(refused.value) == f"'{typed}' is not a unit; {UNITS_ACCEPTED}"


def test_a_register_in_pounds_sign_is_imported_as_gbp(ready):  # noqa: F811
    rows, mapping = register(units=("£", "pounds"))

    result = run(workbook(rows), "register.xlsx", mapping, ready.alice)

    assert result.ok and result.written, result.problems
    assert dict(
        Benefit.objects.filter(reference__startswith="EK-").values_list("reference", "unit")
    ) == {
        "EK-1": "GBP",
        "EK-2": "GBP",
    }


def test_an_unknown_unit_refuses_the_file_naming_row_column_and_value(ready):  # noqa: F811
    rows, mapping = register(units=("£", "£k"))

    result = run(workbook(rows), "register.xlsx", mapping, ready.alice)

    assert result.problems == [f"Register!F3: Unit: '£k' is not a unit; {UNITS_ACCEPTED}"]
    assert not result.written
    # All or nothing: EK-1, whose unit was right, is not written either.
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()
    assert not PlannedValue.objects.filter(benefit__reference__startswith="EK-").exists()


# Dates typed as text -----------------------------------------------------------------------


def test_a_date_is_read_in_either_form_the_message_gives():
    assert read_date("2026-03-31") == read_date("31/03/2026") == D(2026, 3, 31)


@pytest.mark.parametrize("typed", ["31 March 2026", "31-03-2026", "2026/03/31", "31/03/26"])
def test_a_date_refused_says_every_form_accepted(typed):
    with pytest.raises(CellError) as refused:
        read_date(typed)
    assert str(refused.value) == (
        f"'{typed}' is not a date; write it as YYYY-MM-DD or DD/MM/YYYY, "
        "e.g. 2026-03-31 or 31/03/2026"
    )


def test_a_date_typed_day_first_is_imported_and_one_not_a_date_refused(ready):  # noqa: F811
    rows, mapping = register(target_date="31/03/2026")
    assert run(workbook(rows), "register.xlsx", mapping, ready.alice, dry_run=True).ok

    rows, mapping = register(target_date="31 March 2026")
    result = run(workbook(rows), "register.xlsx", mapping, ready.alice)

    assert result.problems == [
        "Register!I3: Target date: '31 March 2026' is not a date; write it as YYYY-MM-DD or "
        "DD/MM/YYYY, e.g. 2026-03-31 or 31/03/2026"
    ]
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


# Hidden sheets where sheets are offered or named -------------------------------------------


def test_the_sheet_choice_marks_a_hidden_sheet(client, ready):  # noqa: F811
    client.force_login(ready.alice)
    rows, _ = register()
    upload(client, workbook(rows, lists_first=True), "register.xlsx")
    job = ImportJob.objects.get()

    page = client.get(f"/register/map/{job.pk}/")

    assert list(page.context["form"].fields["sheet"].choices) == [
        ("Lookups", "Lookups (hidden)"),
        ("Register", "Register"),
    ]
    assert '<option value="Lookups">Lookups (hidden)</option>' in page.content.decode()


def test_a_missing_sheet_is_refused_naming_the_sheets_and_which_are_hidden(
    ready,  # noqa: F811
    tmp_path,
    capsys,
):
    rows, mapping = register()
    (tmp_path / "register.xlsx").write_bytes(workbook(rows, lists_first=True))
    (tmp_path / "mapping.json").write_text(json.dumps(mapping | {"sheet": "Benefits"}))

    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import-register",
            str(tmp_path / "register.xlsx"),
            mapping=str(tmp_path / "mapping.json"),
            user=ready.alice.username,
        )

    assert exit_.value.code == 2
    assert (
        "Benefits: the file has no sheet called 'Benefits' (Lookups (hidden), Register)"
        in capsys.readouterr().err
    )


# An .ods register ----------------------------------------------------------------------------

ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_cell(value, spans=None) -> str:
    """A cell as LibreOffice writes it: `spans` (rows, columns) when merged over others."""
    merged = ""
    if spans:
        merged = (
            f' table:number-rows-spanned="{spans[0]}" table:number-columns-spanned="{spans[1]}"'
        )
    if value is None:
        return f"<table:table-cell{merged}/>"
    if isinstance(value, int | Decimal):
        return (
            f'<table:table-cell{merged} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell{merged} office:value-type="string">'
        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


def ods(sheets: dict[str, list[str]], hidden_sheets=()) -> bytes:
    """An OpenDocument spreadsheet of sheets whose rows are written as XML already (so
    that a row may be hidden, repeated or hold covered cells, as LibreOffice writes it)."""
    tables = "".join(
        f'<table:table table:name="{name}"'
        + (' table:style-name="hide"' if name in hidden_sheets else "")
        + ">"
        + "".join(rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content {ODS_NAMESPACES} office:version="1.2">'
        '<office:automatic-styles><style:style style:name="hide" style:family="table">'
        '<style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def ods_row(cells, visibility=None, repeated=None) -> str:
    attributes = ""
    if visibility:
        attributes += f' table:visibility="{visibility}"'
    if repeated:
        attributes += f' table:number-rows-repeated="{repeated}"'
    return f"<table:table-row{attributes}>{''.join(cells)}</table:table-row>"


def plain(values) -> list[str]:
    return [ods_cell(value) for value in values]


HEADER = ["Line", "Ref", "Benefit", *STANDARD_HEADERS, "Month", "Plan"]
MONTHS_DOWN = {
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


def months_down_merged_ods() -> bytes:
    """A title merged across A1:K1 (left alone), the header on row 3 (row 2 an empty row),
    then EK-1's reference merged down B4:B6 over covered cells, a comment merged in L4:L5
    beside the rows (not read), and EK-2 on row 7."""
    covered = "<table:covered-table-cell/>"
    rows = [
        ods_row([ods_cell("EK benefits register", spans=(1, 11)), covered * 10]),
        ods_row([ods_cell(None)]),
        ods_row(plain(HEADER)),
        ods_row(
            [
                ods_cell(1),
                ods_cell("EK-1", spans=(3, 1)),
                *plain(["Fewer agency vetters", *STANDARD, "Apr-25", 1000]),
                ods_cell("Checked", spans=(2, 1)),
            ]
        ),
        ods_row(
            [ods_cell(2), covered, *plain(["Fewer agency vetters", *STANDARD, "May-25", 1100])]
            + [covered]
        ),
        ods_row(
            [ods_cell(3), covered, *plain(["Fewer agency vetters", *STANDARD, "Jun-25", 1200])]
        ),
        ods_row(plain([4, "EK-2", "Shared contract", *STANDARD, "Apr-25", 250])),
    ]
    return ods({"Register": rows})


def test_an_ods_reference_merged_down_the_rows_is_refused_naming_the_cells(ready):  # noqa: F811
    result = run(months_down_merged_ods(), "register.ods", MONTHS_DOWN, ready.alice)

    assert result.problems == ["Register!B4: " + MERGED.format(cells="B4:B6", first="B4")]
    assert not result.written
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


def test_ods_merged_cells_are_found_after_repeated_rows_and_cells(ready):  # noqa: F811
    """LibreOffice writes runs of like rows and cells once, with a repeat count: the merged
    cells after them are named where they are in the sheet."""
    rows = [
        ods_row([ods_cell(None)], repeated=2),
        ods_row(plain(HEADER)),
        ods_row(
            [
                *plain([1, "EK-1", "Fewer agency vetters", *STANDARD[:4]]),
                # The owner and measurement owner (H and I), alike: written once.
                '<table:table-cell table:number-columns-repeated="2"'
                ' office:value-type="string"><text:p>Erin Owner</text:p></table:table-cell>',
                ods_cell("Apr-25"),
                ods_cell(1000, spans=(2, 1)),
            ]
        ),
        ods_row(
            [
                *plain([2, "EK-1", "Fewer agency vetters", *STANDARD, "May-25"]),
                "<table:covered-table-cell/>",
            ]
        ),
    ]

    result = run(ods({"Register": rows}), "register.ods", MONTHS_DOWN, ready.alice)

    assert result.problems == ["Register!K4: " + MERGED.format(cells="K4:K5", first="K4")]
    assert not Benefit.objects.filter(reference__startswith="EK-").exists()


def months_across_ods(hidden_sheet=False) -> bytes:
    """Four benefits, rows 3 and 5 hidden (one by hand, one filtered out), then two hidden
    empty rows that are not named (nothing in them is read)."""
    header = ["Reference", "Benefit", *STANDARD_HEADERS, "Apr-25", "May-25"]
    rows = [
        ods_row(plain(header)),
        ods_row(plain(["EK-1", "Fewer agency vetters", *STANDARD, 1000, 1100])),
        ods_row(plain(["EK-2", "Shared contract", *STANDARD, 250, None]), "collapse"),
        ods_row(plain(["EK-3", "Old idea, dropped", *STANDARD, 10, None])),
        ods_row(plain(["EK-4", "Fewer vehicles", *STANDARD, 20, 30]), "filter"),
        ods_row([ods_cell(None)], "collapse", repeated=2),
    ]
    sheets = {"Register": rows, "Summary": [ods_row(plain(["See the Register sheet"]))]}
    return ods(sheets, hidden_sheets=["Register"] if hidden_sheet else [])


MONTHS_ACROSS = {
    "sheet": "Register",
    "header_row": 1,
    "initiative": "joint-vetting",
    "columns": {"reference": "Reference", "title": "Benefit", **STANDARD_COLUMNS},
    "monthly": [{"kind": "planned", "first_column": "I", "last_column": "J"}],
}
HIDDEN = (
    "Sheet 'Register': rows 3 and 5 are hidden or filtered out; they are imported like "
    "every other row."
)


def test_ods_hidden_rows_are_imported_and_named_in_the_preview_and_the_outcome(ready):  # noqa: F811
    data = months_across_ods()

    checked = preview(
        read_grid(data, "register.ods"), parse_mapping(MONTHS_ACROSS), user=ready.alice
    )
    assert checked.ok, checked.problems
    assert checked.notes == [HIDDEN]
    assert [(row.row, row.hidden) for row in checked.preview] == [
        (2, False),
        (3, True),
        (4, False),
        (5, True),
    ]

    result = run(data, "register.ods", MONTHS_ACROSS, ready.alice)
    assert result.ok and result.written, result.problems
    assert result.notes == [HIDDEN]
    assert Benefit.objects.filter(reference__startswith="EK-").count() == 4


def test_an_ods_hidden_sheet_is_named_and_offered_as_hidden(client, ready):  # noqa: F811
    data = months_across_ods(hidden_sheet=True)

    result = run(data, "register.ods", MONTHS_ACROSS, ready.alice, dry_run=True)
    assert result.ok, result.problems
    assert "Sheet 'Register' is hidden; it is imported all the same." in result.notes

    client.force_login(ready.alice)
    upload(client, data, "register.ods")
    page = client.get(f"/register/map/{ImportJob.objects.get().pk}/")
    assert list(page.context["form"].fields["sheet"].choices) == [
        ("Register", "Register (hidden)"),
        ("Summary", "Summary"),
    ]
    assert page.context["form"].initial["sheet"] == "Summary"
