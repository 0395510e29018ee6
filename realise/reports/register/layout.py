"""How a sheet is laid out beyond its values: merged cells and hidden rows.

A spreadsheet gives a merged range's value to its first cell only; the others read as
empty, so a reference merged down the rows of its months (`B4:B6`) would leave rows 5 and
6 without one. A register import refuses such a range where it covers cells it reads,
naming the cells. Hidden rows (hidden by hand, or filtered out) are read like any other,
and the import says which they were.

openpyxl's read-only mode, which the import reads Realise's own workbook with, exposes
neither, and calamine (a force's own register) no hidden rows, nor an .ods file's merged
cells: both are found in the worksheet's XML (an .ods file's `content.xml`, all its sheets
at once), scanned once for a sign of either and parsed only when there is one.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as ET
from openpyxl.utils import column_index_from_string, get_column_letter

CHUNK = 1 << 20
# A hidden row or a merged range, within a run of whole tags.
SIGN = re.compile(rb'<(?:\w+:)?(?:row\b[^>]*\bhidden="(?:1|true)"|mergeCell\b)')
TAG = re.compile(rb"<(?:\w+:)?(row|mergeCell)\b([^>]*)>")
NUMBER = re.compile(rb'\br="([0-9]+)"')
HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
REF = re.compile(rb'\bref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)"')


@dataclass(frozen=True)
class CellRange:
    """Merged cells: rows 1-based, columns 0-based, both inclusive."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int

    @property
    def first(self) -> str:
        return f"{get_column_letter(self.first_column + 1)}{self.first_row}"

    @property
    def name(self) -> str:
        return f"{self.first}:{get_column_letter(self.last_column + 1)}{self.last_row}"

    def rows(self) -> range:
        return range(self.first_row, self.last_row + 1)

    def columns(self) -> range:
        return range(self.first_column, self.last_column + 1)

    def problem(self) -> str:
        return (
            f"cells {self.name} are merged: only {self.first} holds their value, and the "
            "other cells would be read as empty. Unmerge them and fill in each cell, then "
            "import the file again"
        )


@dataclass
class SheetLayout:
    merged: list[CellRange] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)


def _segments(open_source: Callable[[], IO[bytes]]) -> Iterator[bytes]:
    """The XML in runs of whole tags (each cut before its last `<`)."""
    tail = b""
    with open_source() as source:
        while chunk := source.read(CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")
            if cut <= 0:
                tail = data
                continue
            tail = data[cut:]
            yield data[:cut]
    if tail:
        yield tail


def sheet_layout(open_source: Callable[[], IO[bytes]]) -> SheetLayout:
    """The merged ranges and hidden rows of the worksheet XML that `open_source()` opens."""
    layout = SheetLayout()
    if not any(SIGN.search(segment) for segment in _segments(open_source)):
        return layout
    row = 0
    for segment in _segments(open_source):
        for match in TAG.finditer(segment):
            attributes = match[2]
            if match[1] == b"row":
                number = NUMBER.search(attributes)
                row = int(number[1]) if number else row + 1
                if HIDDEN.search(attributes):
                    layout.hidden_rows.add(row)
                continue
            ref = REF.search(attributes)
            if ref:
                first_row, last_row = sorted((int(ref[2]), int(ref[4])))
                first_column, last_column = sorted(
                    column_index_from_string(ref[i].decode()) - 1 for i in (1, 3)
                )
                layout.merged.append(CellRange(first_row, first_column, last_row, last_column))
    return layout


# OpenDocument: a merged cell spans rows or columns; a row hidden by hand is collapsed,
# one filtered out is `filter`.
ODS_SIGN = re.compile(rb'number-(?:rows|columns)-spanned="|visibility="(?:collapse|filter)"')
ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_CELLS = (f"{{{ODS_TABLE}}}table-cell", f"{{{ODS_TABLE}}}covered-table-cell")


def _ods(name: str) -> str:
    return f"{{{ODS_TABLE}}}{name}"


def _count(element, name: str) -> int:
    try:
        return max(int(element.get(_ods(name)) or 1), 1)
    except ValueError:
        return 1


def ods_layouts(open_source: Callable[[], IO[bytes]], max_row: int) -> dict[str, SheetLayout]:
    """The merged ranges and hidden rows (up to `max_row`) of each sheet of the .ods
    `content.xml` that `open_source()` opens, by sheet name. LibreOffice writes a run of
    like rows or cells once, with a repeat count, so rows and columns are counted with
    their repeats."""
    layouts: dict[str, SheetLayout] = {}
    if not any(ODS_SIGN.search(segment) for segment in _segments(open_source)):
        return layouts
    table, row, cell = _ods("table"), _ods("table-row"), ODS_CELLS[0]
    layout = SheetLayout()
    number = repeated = column = 0
    spans: list[tuple[int, int, int]] = []  # (column, rows, columns) of the row's merges
    with open_source() as source, contextlib.suppress(ET.ParseError, DefusedXmlException):
        # A file that cannot be parsed is refused by the read of its values.
        for event, element in ET.iterparse(source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == table:
                    layout = layouts.setdefault(element.get(_ods("name"), ""), SheetLayout())
                    number = 0
                elif tag == row:
                    repeated, column, spans = _count(element, "number-rows-repeated"), 0, []
                elif tag in ODS_CELLS:
                    if tag == cell:
                        rows = _count(element, "number-rows-spanned")
                        columns = _count(element, "number-columns-spanned")
                        if rows * columns > 1:
                            spans.append((column, rows, columns))
                    column += _count(element, "number-columns-repeated")
                continue
            if tag == row:
                first, last = number + 1, min(number + repeated, max_row)
                if element.get(_ods("visibility")) in ("collapse", "filter"):
                    layout.hidden_rows.update(range(first, last + 1))
                for at in range(first, last + 1) if spans else ():
                    layout.merged.extend(
                        CellRange(at, left, at + rows - 1, left + columns - 1)
                        for left, rows, columns in spans
                    )
                number += repeated
                element.clear()
            elif tag in ODS_CELLS:
                element.clear()
    return layouts


def misread(
    merged: Iterable[CellRange], first_row: int, columns: Collection[int]
) -> list[CellRange]:
    """The merged ranges that would be misread: those reaching a data row (from
    `first_row`) in one of the `columns` read, over more than one cell that is read."""
    found = []
    for cells in merged:
        read = [column for column in cells.columns() if column in columns]
        if not read or cells.last_row < first_row:
            continue
        if len(read) * len(cells.rows()) > 1:
            found.append(cells)
    return found


def rows_text(rows: Iterable[int]) -> str:
    """'row 4', 'rows 3 and 5', 'rows 2 to 4, 9 and 12 to 14'."""
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    parts = [f"{first}" if first == last else f"{first} to {last}" for first, last in runs]
    words = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return ("row " if len(runs) == 1 and runs[0][0] == runs[0][1] else "rows ") + words


def hidden_rows_note(sheet: str, rows: Collection[int]) -> str:
    """What an import says of the rows it read that were hidden or filtered out."""
    if len(rows) == 1:
        return (
            f"Sheet '{sheet}': {rows_text(rows)} is hidden or filtered out; it is imported "
            "like every other row."
        )
    return (
        f"Sheet '{sheet}': {rows_text(rows)} are hidden or filtered out; they are imported "
        "like every other row."
    )


def hidden_sheet_note(sheet: str) -> str:
    return f"Sheet '{sheet}' is hidden; it is imported all the same."
