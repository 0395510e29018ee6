"""A dashboard table as an Excel workbook that reads as the page does: a title, an "as at"
line and the filters used above the table, pounds and percentages with number formats, and
the figures kept as numbers (exact Decimals, not text)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from realise.core import formatting
from realise.core.language import month_year
from realise.reports.dashboards import tables as t

# Percentages on dashboards are points (93.66 for 93.66%): shown with one decimal and a %
# sign, the cell keeps the number the CSV download carries.
POINTS_PERCENT = '0.0"%"'
FORMATS = {
    t.HoursColumn: formatting.XLSX_HOURS,
    t.PercentColumn: POINTS_PERCENT,
    t.CountColumn: "#,##0",
    t.MoneyColumn: formatting.XLSX_MONEY,
}


def _number_format(column, record) -> str | None:
    if isinstance(column, t.MeasureColumn):
        key = record.get("key", record.get("measure_key")) if hasattr(record, "get") else None
        return formatting.XLSX_MONEY if key == "money" else formatting.XLSX_HOURS
    for kind, number_format in FORMATS.items():
        if isinstance(column, kind):
            return number_format
    return None


# What a cell keeps as it is; anything else (words still to be translated, a record such
# as the body an item was escalated from) is written as its text, as the CSV writes it.
CELL_TYPES = (str, int, float, Decimal, datetime.date, datetime.time)


def _safe(value):
    """Text that a spreadsheet would run as a formula is written as text (words still to
    be translated are translated first)."""
    if not isinstance(value, CELL_TYPES):
        value = str(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def sheet_name(title: str) -> str:
    """A worksheet's tab from a table's caption: at most 31 characters, without the ones
    Excel refuses in a sheet's name (: \\ / ? * [ ])."""
    name = " ".join(title.translate({ord(c): "-" for c in ":\\/?*[]"}).split())
    return name[:31].strip() or "Table"


def workbook(
    table,
    *,
    title: str,
    as_at: datetime.date,
    filters: list[tuple[str, str]],
    sheet_title: str,
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    sheet.append([_safe(title)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([gettext("As at %(day)s") % {"day": f"{as_at.day} {month_year(as_at)}"}])
    described = "; ".join(f"{label}: {value}" for label, value in filters)
    sheet.append(
        [
            _safe(
                gettext("Filters: %(filters)s") % {"filters": described}
                if filters
                else gettext("Filters: none (everything)")
            )
        ]
    )
    sheet.append([])
    columns = list(table.columns)
    sheet.append([str(column.header) for column in columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        values = []
        for column in columns:
            value = row.get_cell_value(column.name)
            values.append(_safe("" if value is None else value))
        sheet.append(values)
        for cell, column in zip(sheet[sheet.max_row], columns, strict=True):
            number_format = _number_format(column.column, row.record)
            if number_format and not isinstance(cell.value, str):
                cell.number_format = number_format
    for letter, width in zip("ABCDEFGHIJKLMNOP", (40,) + (18,) * 15, strict=False):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
