"""A mapping from a force's own register layout to Realise's fields, kept as JSON:

    {"sheet": "Register", "header_row": 3,
     "initiative": "7f-procurement",            (or {"column": "Project"})
     "columns": {"reference": "Ref", "title": "Benefit", "unit": "F"},
     "monthly": [{"kind": "planned", "first_column": "F", "last_column": "Q"}],
     "evidence_note": "Copied from the 7F register v12"}

`columns` values are header texts (as in the header row) or column letters. Months either
run across columns (`monthly` blocks, each column's month read from its header) or down
the rows (a `month` column with `planned` and/or `actual` value columns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from realise.reports.mapped.grid import Sheet, blank, column_index, column_letter

# Realise's fields, with header words that suggest them when a mapping is pre-filled.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reference": ("Reference", ("ref", "reference", "benefit ref", "benefit id", "id")),
    "title": ("Title", ("title", "benefit", "benefit name", "benefit title", "name")),
    "description": ("Description", ("description", "details", "detail")),
    "subcategory": ("Sub-category", ("sub-category", "subcategory", "category", "type")),
    "direction": ("Direction", ("direction", "direction of travel")),
    "measure": ("Measure", ("measure", "kpi", "metric", "measured by")),
    "unit": ("Unit", ("unit", "units", "unit of measure")),
    "nature": ("Nature", ("nature", "quantitative or qualitative")),
    "owner": ("Owner", ("owner", "benefit owner")),
    "measurement_owner": (
        "Measurement owner",
        ("measurement owner", "measured by whom", "data owner", "reporting owner"),
    ),
    "baseline_value": ("Baseline", ("baseline", "baseline value")),
    "baseline_date": ("Baseline date", ("baseline date",)),
    "target_value": ("Target", ("target", "target value")),
    "target_date": ("Target date", ("target date",)),
    "cashable": ("Cashable", ("cashable", "cashable?")),
    "disbenefit": ("Dis-benefit", ("dis-benefit", "disbenefit")),
    "identified_in_business_case": (
        "In business case",
        ("in business case", "identified in business case", "in the business case", "in bc"),
    ),
    "status": ("Status", ("status", "benefit status")),
    "force": ("Force", ("force", "force code")),
    "month": ("Month (months down the rows)", ("month", "period")),
    "planned": ("Planned value (months down the rows)", ("planned", "plan", "planned value")),
    "actual": ("Actual value (months down the rows)", ("actual", "actual value", "actuals")),
    "evidence": ("Evidence note for actuals", ("evidence", "evidence note", "source")),
}
KINDS = ("planned", "actual")
MAX_HEADER_ROW = 200
KEYS = ("sheet", "header_row", "initiative", "columns", "monthly", "evidence_note", "name")


class MappingError(ValueError):
    """A mapping that cannot be used: the message names the key."""


@dataclass
class Block:
    kind: str
    first: int  # column indexes, inclusive
    last: int

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "first_column": column_letter(self.first),
            "last_column": column_letter(self.last),
        }


@dataclass
class Mapping:
    sheet: str
    header_row: int
    initiative: str | None = None  # a slug for every row
    initiative_column: str | None = None  # or the column naming each row's initiative
    columns: dict[str, str] = field(default_factory=dict)
    monthly: list[Block] = field(default_factory=list)
    evidence_note: str = ""

    def as_json(self) -> dict:
        data: dict = {"sheet": self.sheet, "header_row": self.header_row}
        data["initiative"] = (
            {"column": self.initiative_column} if self.initiative_column else self.initiative
        )
        data["columns"] = dict(self.columns)
        data["monthly"] = [block.as_json() for block in self.monthly]
        if self.evidence_note:
            data["evidence_note"] = self.evidence_note
        return data


def _text(value, key: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise MappingError(f"{key}: must be a non-empty text")
    return value.strip()


def parse_mapping(data) -> Mapping:
    """A Mapping from its JSON form; MappingError names the first wrong key."""
    if not isinstance(data, dict):
        raise MappingError("mapping: must be a JSON object")
    for key in data:
        if key not in KEYS:
            raise MappingError(f"{key}: unknown key (allowed: {', '.join(KEYS[:-1])})")
    sheet = _text(data.get("sheet"), "sheet")
    row = data.get("header_row")
    if isinstance(row, bool) or not isinstance(row, int) or not 1 <= row <= MAX_HEADER_ROW:
        raise MappingError(f"header_row: must be a row number from 1 to {MAX_HEADER_ROW}")
    mapping = Mapping(sheet=sheet, header_row=row)
    initiative = data.get("initiative")
    if isinstance(initiative, dict):
        if set(initiative) != {"column"}:
            raise MappingError('initiative: give a slug, or {"column": "HEADER OR LETTER"}')
        mapping.initiative_column = _text(initiative["column"], "initiative.column")
    elif initiative is not None:
        mapping.initiative = _text(initiative, "initiative")
    else:
        raise MappingError('initiative: required (a slug, or {"column": "HEADER OR LETTER"})')
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise MappingError("columns: must be an object of field: header text or column letter")
    for name, where in columns.items():
        if name not in FIELDS:
            raise MappingError(f"columns.{name}: unknown field (one of {', '.join(FIELDS)})")
        mapping.columns[name] = _text(where, f"columns.{name}")
    if "reference" not in mapping.columns:
        raise MappingError(
            "columns.reference: required: the column holding each benefit's reference"
        )
    blocks = data.get("monthly", [])
    if not isinstance(blocks, list):
        raise MappingError("monthly: must be a list of blocks")
    for index, block in enumerate(blocks):
        key = f"monthly[{index}]"
        if not isinstance(block, dict) or set(block) != {"kind", "first_column", "last_column"}:
            raise MappingError(f"{key}: give kind, first_column and last_column")
        if block["kind"] not in KINDS:
            raise MappingError(f"{key}.kind: must be planned or actual")
        try:
            first = column_index(str(block["first_column"]))
            last = column_index(str(block["last_column"]))
        except ValueError as exc:
            raise MappingError(f"{key}: {exc}") from None
        if last < first:
            raise MappingError(f"{key}: last_column comes before first_column")
        mapping.monthly.append(Block(block["kind"], first, last))
    across = bool(mapping.monthly)
    down = "month" in mapping.columns
    if down and not ({"planned", "actual"} & set(mapping.columns)):
        raise MappingError("columns.month: map a planned or an actual value column as well")
    if not down and {"planned", "actual"} & set(mapping.columns):
        raise MappingError("columns.month: required with planned or actual value columns")
    if across and down:
        raise MappingError("monthly: months either run across columns or down rows, not both")
    mapping.evidence_note = _text(data.get("evidence_note"), "evidence_note", required=False)
    return mapping


# Reading the header row ------------------------------------------------------------------


def normalise(text) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).casefold()).strip()


SYNONYMS = {normalise(word): name for name, (_, words) in FIELDS.items() for word in words}


def field_of(text) -> str | None:
    """The field a header suggests: by its words, or by them after a leading "Benefit"
    ("Benefit Category" is the sub-category)."""
    words = normalise(text)
    name = SYNONYMS.get(words)
    if name is None and words.startswith("benefit "):
        name = SYNONYMS.get(words.removeprefix("benefit "))
    return name


def header_cells(sheet: Sheet, row: int) -> dict[int, str]:
    """The header row's non-empty cells, by column index."""
    cells = sheet.rows[row - 1] if 0 < row <= len(sheet.rows) else []
    return {i: str(v).strip() for i, v in enumerate(cells) if not blank(v)}


def guess_header_row(sheet: Sheet) -> int:
    """The row (of the first 30) whose cells best match Realise's field names; else the
    first row with at least three filled cells; else 1."""
    best, best_score = None, 0
    for row in range(1, min(len(sheet.rows), 30) + 1):
        score = sum(1 for text in header_cells(sheet, row).values() if field_of(text))
        if score > best_score:
            best, best_score = row, score
    if best:
        return best
    for row in range(1, min(len(sheet.rows), 30) + 1):
        if len(header_cells(sheet, row)) >= 3:
            return row
    return 1


def suggest_columns(sheet: Sheet, row: int) -> dict[str, str]:
    """Fields matched to the header texts of a row (each field and header once)."""
    found: dict[str, str] = {}
    for _, text in sorted(header_cells(sheet, row).items()):
        name = field_of(text)
        if name and name not in found:
            found[name] = text
    return found


def locate(sheet: Sheet, row: int, where: str) -> int:
    """The column index a mapping names: a header text of the header row (any case), else
    column letters; ValueError when neither."""
    wanted = normalise(where)
    for index, text in header_cells(sheet, row).items():
        if normalise(text) == wanted:
            return index
    return column_index(where)
