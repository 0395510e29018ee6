"""A spreadsheet read into plain rows of values: `.xlsx` and `.ods` through calamine, `.csv`
through the csv module. Cells are named as people see them: `Register!F12`."""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field

from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from realise.core import uploads
from realise.reports.register.formulas import uncalculated_cells, xlsx_sheet_paths
from realise.reports.register.layout import CellRange, ods_layouts, sheet_layout

MAX_ROWS = 200_000
MAX_COLUMNS = 2_000
LETTERS = re.compile(r"^[A-Z]{1,3}$")


class GridError(ValueError):
    pass


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26; ValueError for anything that is not column letters."""
    text = letters.strip().upper()
    if not LETTERS.match(text):
        raise ValueError(f"'{letters}' is not a column (use letters, e.g. F or AB)")
    index = 0
    for char in text:
        index = index * 26 + ord(char) - 64
    return index - 1


def cell_name(sheet: str, row: int, column: int) -> str:
    """`Register!F12` for row 12 (1-based) and column index 5."""
    return f"{sheet}!{column_letter(column)}{row}"


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Sheet:
    name: str
    rows: list[list]
    # (1-based row, 0-based column) of each formula cell with no calculated value: read
    # as empty, and named by the import rather than passed over.
    uncalculated: set[tuple[int, int]] = field(default_factory=set)
    # Merged ranges (only their first cell holds the value), the 1-based numbers of the
    # rows hidden or filtered out, and whether the sheet itself is hidden.
    merged: list[CellRange] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden: bool = False

    @property
    def label(self) -> str:
        """The sheet's name as the import's messages give it: 'Lists (hidden)'."""
        return f"{self.name} (hidden)" if self.hidden else self.name

    def value(self, row: int, column: int):
        """The value at a 1-based row and 0-based column (None beyond the edges)."""
        if row < 1 or row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        value = cells[column] if column < len(cells) else None
        return None if blank(value) else value

    def uncalculated_at(self, row: int, column: int) -> bool:
        return (row, column) in self.uncalculated


@dataclass
class Grid:
    sheets: dict[str, Sheet]

    @property
    def first_shown(self) -> Sheet:
        """The first sheet that is not hidden (the first of all if every one is)."""
        sheets = list(self.sheets.values())
        return next((sheet for sheet in sheets if not sheet.hidden), sheets[0])


def _clean(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    if isinstance(value, str):
        return value.strip()
    return value


def read_grid(data: bytes, filename: str) -> Grid:
    """Read an uploaded register; GridError says why it cannot be read."""
    name = filename.lower()
    if name.endswith(".csv"):
        # As the upload's check reads it: UTF-8, Excel's UTF-16 "Unicode text" or its
        # Windows-1252 "CSV" on a UK PC.
        text = uploads.decode_text(data)
        if text is None:
            raise GridError(f"{filename}: cannot be read as text; save it as CSV (UTF-8)")
        try:
            rows = [[_clean(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise GridError(f"{filename}: cannot be read as CSV ({exc})") from None
        _check_size(rows, filename)
        stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "Sheet1"
        return Grid({stem: Sheet(stem, rows)})
    if not name.endswith((".xlsx", ".xlsm", ".ods")):
        raise GridError(f"{filename}: upload an .xlsx, .ods or .csv file")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {}
        for metadata in workbook.sheets_metadata:
            sheet_name = metadata.name
            read = workbook.get_sheet_by_name(sheet_name)
            rows = read.to_python(skip_empty_area=False)
            rows = [[_clean(cell) for cell in row] for row in rows]
            _check_size(rows, filename)
            sheets[sheet_name] = Sheet(
                sheet_name,
                rows,
                merged=[
                    CellRange(first[0] + 1, first[1], last[0] + 1, last[1])
                    for first, last in read.merged_cell_ranges or ()
                ],
                hidden=metadata.visible != SheetVisibleEnum.Visible,
            )
    except (CalamineError, ValueError, OSError) as exc:
        raise GridError(f"{filename}: the file cannot be read as a spreadsheet ({exc})") from None
    if name.endswith(".ods"):
        _read_ods_xml(data, sheets)
    else:
        _read_sheet_xml(data, sheets)
    return Grid(sheets)


def _read_ods_xml(data: bytes, sheets: dict[str, Sheet]) -> None:
    """Mark the merged cells and hidden rows of an .ods (calamine reads neither)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            source = functools.partial(archive.open, "content.xml")
            layouts = ods_layouts(source, MAX_ROWS)
    except (zipfile.BadZipFile, KeyError, OSError):
        return
    for sheet_name, layout in layouts.items():
        if sheet_name in sheets:
            sheets[sheet_name].merged = layout.merged
            sheets[sheet_name].hidden_rows = layout.hidden_rows


def _read_sheet_xml(data: bytes, sheets: dict[str, Sheet]) -> None:
    """Mark the formula cells of an .xlsx that hold no calculated value, and its hidden
    rows."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for sheet_name, path in xlsx_sheet_paths(archive).items():
                if sheet_name in sheets:
                    source = functools.partial(archive.open, path)
                    sheets[sheet_name].uncalculated = uncalculated_cells(source)
                    sheets[sheet_name].hidden_rows = sheet_layout(source).hidden_rows
    except (zipfile.BadZipFile, OSError):
        return


def _check_size(rows: list[list], filename: str) -> None:
    if len(rows) > MAX_ROWS:
        raise GridError(f"{filename}: more than {MAX_ROWS:,} rows")
    if any(len(row) > MAX_COLUMNS for row in rows):
        raise GridError(f"{filename}: more than {MAX_COLUMNS:,} columns")
