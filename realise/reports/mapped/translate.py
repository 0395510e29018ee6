"""A force's own register, read through a mapping and imported through Realise's own
register import: the mapped rows become the rows of Realise's workbook (Benefits, Planned
values, Actuals) in memory, so that every rule of the import (permissions, baselined
plans, the minimum standard, member forces, months) applies unchanged, and each problem
is reported against the cell of the force's own file it came from (`Register!F12`).

A benefit already in Realise keeps the fields the mapping does not cover.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from realise.benefits.models import Benefit
from realise.organisations.models import Force
from realise.reports.mapped.grid import Grid, cell_name, column_letter
from realise.reports.mapped.mapping import FIELDS, Mapping, header_cells, locate, normalise
from realise.reports.mapped.months import NotAMonth, month_of
from realise.reports.register.formulas import UNCALCULATED
from realise.reports.register.importing import import_workbook
from realise.reports.register.layout import hidden_rows_note, hidden_sheet_note, misread
from realise.reports.register.results import Progress, SheetCounts
from realise.reports.register.xlsx import (
    ACTUALS,
    BENEFIT_FIELDS,
    BENEFITS,
    COLUMNS,
    INITIATIVES,
    PLANNED,
    stage_label,
    yes_no,
)

PREVIEW_ROWS = 20
# The words of a row that sums the others, as finance sheets end: never a benefit.
TOTAL = re.compile(r"^(?:grand |sub ?)?totals?$")
EVIDENCE = "Evidence note"  # the Actuals sheet's column

# Realise's Benefits sheet header for each mapped benefit field.
BENEFIT_HEADERS = {
    "title": "Title",
    "description": "Description",
    "subcategory": "Sub-category",
    "direction": "Direction",
    "measure": "Measure",
    "unit": "Unit",
    "nature": "Nature",
    "baseline_value": "Baseline",
    "baseline_date": "Baseline date",
    "target_value": "Target",
    "target_date": "Target date",
    "owner": "Owner",
    "measurement_owner": "Measurement owner",
    "cashable": "Cashable",
    "disbenefit": "Dis-benefit",
    "identified_in_business_case": "In business case",
    "status": "Status",
}


class _VirtualSheet:
    """Rows held in memory, read the way the import reads an openpyxl read-only sheet."""

    sheet_state = "visible"

    def __init__(self, title: str, header: list[str]):
        self.title = title
        self.header = header
        self.rows: list[tuple] = []
        self.sources: list[dict[str | None, str]] = []  # per row: header -> source cell

    @property
    def max_row(self) -> int:
        return len(self.rows) + 1

    def add(self, values: dict, sources: dict[str | None, str]) -> None:
        self.rows.append(tuple(values.get(h) for h in self.header))
        self.sources.append(sources)

    def reset_dimensions(self) -> None:
        pass

    def iter_rows(self, min_row: int = 1, max_row: int | None = None, values_only: bool = True):
        everything = [tuple(self.header), *self.rows]
        yield from everything[min_row - 1 : max_row]

    def source(self, row: int, column: str) -> str | None:
        if not 2 <= row <= self.max_row:
            return None
        sources = self.sources[row - 2]
        return sources.get(column) or sources.get(None)


class _VirtualWorkbook:
    def __init__(self, sheets: list[_VirtualSheet]):
        self.by_name = {sheet.title: sheet for sheet in sheets}

    @property
    def sheetnames(self) -> list[str]:
        return list(self.by_name)

    @property
    def worksheets(self) -> list[_VirtualSheet]:
        return list(self.by_name.values())

    def __getitem__(self, name: str) -> _VirtualSheet:
        return self.by_name[name]

    def close(self) -> None:
        pass


@dataclass
class MappedRow:
    """One row of the force's sheet as Realise reads it, for the preview, with the problems
    found in each of its cells."""

    row: int
    values: dict[str, object]
    months: dict[str, dict[str, object]] = field(default_factory=dict)  # kind -> month -> value
    columns: dict[str, str] = field(default_factory=dict)  # label -> column letter
    month_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)  # column letter -> reasons
    hidden: bool = False  # hidden or filtered out in the file

    @property
    def fields(self) -> list[tuple[str, object, list[str]]]:
        """Each mapped field: its label, value and the problems of its cell (shown beside
        the label, so not named again: "Owner: unknown person ..." reads "unknown person
        ...")."""
        return [
            (label, value, [_unnamed(reason, label) for reason in self.problems.get(column, [])])
            for label, value in self.values.items()
            for column in [self.columns.get(label, "")]
        ]

    @property
    def month_cells(self) -> list[tuple[str, str, object, list[str]]]:
        """Each month's value: kind, month, value and the problems of its cell."""
        return [
            (kind, month, value, self.problems.get(self.month_columns[kind][month], []))
            for kind, months in self.months.items()
            for month, value in months.items()
        ]

    @property
    def other_problems(self) -> list[str]:
        """Problems of the row's cells that the preview does not show."""
        shown = {*self.columns.values()}
        shown.update(c for months in self.month_columns.values() for c in months.values())
        return [
            f"{column}{self.row}: {reason}" if column else reason
            for column, reasons in self.problems.items()
            if column not in shown
            for reason in reasons
        ]


def _unnamed(reason: str, label: str) -> str:
    prefix = f"{label}: "
    return reason[len(prefix) :] if reason.startswith(prefix) else reason


CELL = re.compile(r"^(?P<sheet>.*?)!(?P<column>[A-Z]{0,3})(?P<row>\d*)$")


def problem_parts(problem: str) -> dict:
    """'Register!F12: reason' as {sheet, row, column, reason}, as import jobs keep errors."""
    where, _, reason = problem.partition(": ")
    match = CELL.match(where)
    if not match:
        return {"sheet": where, "row": None, "column": "", "reason": reason}
    row = match["row"]
    return {
        "sheet": match["sheet"],
        "row": int(row) if row else None,
        "column": match["column"],
        "reason": reason,
    }


@dataclass
class MappedResult:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    benefits_created: int = 0
    benefits_changed: int = 0
    months_planned: int = 0
    actuals: int = 0
    written: bool = False
    dry_run: bool = False
    preview: list[MappedRow] = field(default_factory=list)
    # What the import reads that the user may not expect, e.g. rows hidden in the file.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary_lines(self) -> list[str]:
        return [
            f"Benefits created: {self.benefits_created}",
            f"Benefits changed: {self.benefits_changed}",
            f"Months planned (created or changed): {self.months_planned}",
            f"Actuals (created or changed): {self.actuals}",
        ]

    def summary_dict(self) -> dict:
        return {sheet: asdict(counts) for sheet, counts in self.counts.items()}

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "problems": self.problems,
            "benefits_created": self.benefits_created,
            "benefits_changed": self.benefits_changed,
            "months_planned": self.months_planned,
            "actuals": self.actuals,
            "written": self.written,
            "dry_run": self.dry_run,
            "notes": self.notes,
        }


class _Reader:
    """Reads the force's sheet through the mapping into Realise's sheets (its first `limit`
    data rows, for a preview; else all of them)."""

    def __init__(self, grid: Grid, mapping: Mapping, user, limit: int | None = None):
        self.grid = grid
        self.mapping = mapping
        self.user = user
        self.limit = limit
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.preview: list[MappedRow] = []
        self.merged_rows: set[int] = set()
        self.benefits = _VirtualSheet(BENEFITS, [c.header for c in COLUMNS[BENEFITS]])
        self.planned = _VirtualSheet(PLANNED, [c.header for c in COLUMNS[PLANNED]])
        self.actuals = _VirtualSheet(ACTUALS, [c.header for c in COLUMNS[ACTUALS]])
        self.forces: dict[str, str] = {}
        for code, name, slug in Force.objects.values_list("ons_code", "name", "slug"):
            for key in (code, name, slug):
                self.forces[str(key).casefold()] = code

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def read(self) -> _VirtualWorkbook | None:
        mapping = self.mapping
        sheet = self.grid.sheets.get(mapping.sheet)
        if sheet is None:
            names = ", ".join(each.label for each in self.grid.sheets.values())
            self.problem(mapping.sheet, f"the file has no sheet called '{mapping.sheet}' ({names})")
            return None
        self.sheet = sheet
        header_at = f"{sheet.name}!{mapping.header_row}"
        if not header_cells(sheet, mapping.header_row):
            self.problem(header_at, "the header row is empty")
            return None
        self.columns: dict[str, int] = {}
        for name, where in mapping.columns.items():
            try:
                self.columns[name] = locate(sheet, mapping.header_row, where)
            except ValueError:
                self.problem(
                    header_at,
                    f"{FIELDS[name][0]}: no header '{where}' in row {mapping.header_row}, "
                    "and not a column letter",
                )
        self.initiative_column = None
        if mapping.initiative_column:
            try:
                self.initiative_column = locate(
                    sheet, mapping.header_row, mapping.initiative_column
                )
            except ValueError:
                self.problem(
                    header_at,
                    f"Initiative: no header '{mapping.initiative_column}' in row "
                    f"{mapping.header_row}, and not a column letter",
                )
        self.block_months = self.read_block_months()
        if self.problems:
            return None
        self.read_layout()
        if not self.has_evidence():
            self.problem(
                header_at,
                "actuals need evidence: map an evidence column, or give one evidence note for "
                "the whole import saying where the figures came from",
            )
            return None
        self.read_rows()
        empty = _VirtualSheet(INITIATIVES, [c.header for c in COLUMNS[INITIATIVES]])
        return _VirtualWorkbook([empty, self.benefits, self.planned, self.actuals])

    def read_layout(self) -> None:
        """Refuse merged cells over the cells read; say which rows read are hidden."""
        sheet = self.sheet
        used = self.used_columns()
        for cells in misread(sheet.merged, self.mapping.header_row + 1, used):
            column = next(index for index in cells.columns() if index in used)
            self.problem(cell_name(sheet.name, cells.first_row, column), cells.problem())
            self.merged_rows.update(cells.rows())
        if sheet.hidden:
            self.notes.append(hidden_sheet_note(sheet.name))
        if sheet.hidden_rows:
            hidden = [row for row, _ in self.data_rows() if row in sheet.hidden_rows]
            if hidden:
                self.notes.append(hidden_rows_note(sheet.name, hidden))

    def used_columns(self) -> set[int]:
        used = {*self.columns.values(), *(c for _, c, _ in self.block_months)}
        if self.initiative_column is not None:
            used.add(self.initiative_column)
        return used

    def has_evidence(self) -> bool:
        actuals = "actual" in self.columns or any(b.kind == "actual" for b in self.mapping.monthly)
        return not actuals or "evidence" in self.columns or bool(self.mapping.evidence_note)

    def read_block_months(self) -> list[tuple[str, int, datetime.date]]:
        found: list[tuple[str, int, datetime.date]] = []
        seen: dict[tuple[str, datetime.date], str] = {}
        row = self.mapping.header_row
        for block in self.mapping.monthly:
            for column in range(block.first, block.last + 1):
                where = cell_name(self.sheet.name, row, column)
                try:
                    month = month_of(self.sheet.value(row, column))
                except NotAMonth as exc:
                    self.problem(where, str(exc))
                    continue
                key = (block.kind, month)
                if key in seen:
                    self.problem(where, f"{month:%b %Y} is also the month of {seen[key]}")
                    continue
                seen[key] = where
                found.append((block.kind, column, month))
        return found

    def data_rows(self) -> Iterator[tuple[int, list]]:
        used = self.used_columns()
        sheet = self.sheet
        for number in range(self.mapping.header_row + 1, len(sheet.rows) + 1):
            if all(
                sheet.value(number, c) is None and not sheet.uncalculated_at(number, c)
                for c in used
            ):
                continue
            yield number, sheet.rows[number - 1]

    def value(self, row: int, column: int):
        """A cell's value; a formula with no calculated value is a problem, not a blank."""
        value = self.sheet.value(row, column)
        if value is None and self.sheet.uncalculated_at(row, column):
            self.problem(cell_name(self.sheet.name, row, column), UNCALCULATED)
        return value

    def cell(self, row: int, name: str):
        column = self.columns.get(name)
        return None if column is None else self.value(row, column)

    def where(self, row: int, name: str) -> str:
        return cell_name(self.sheet.name, row, self.columns[name])

    def read_rows(self) -> None:
        stored: dict[str, dict | None] = {}
        seen_benefits: dict[str, int] = {}
        for row, _ in self.data_rows():
            if self.limit is not None and len(self.preview) >= self.limit:
                break
            total = self.total_in(row)
            if total is not None:
                self.notes.append(
                    f"Sheet '{self.sheet.name}': row {row} reads '{total}', with no benefit "
                    "reference of its own: it is taken for a total and not imported."
                )
                continue
            if len(self.preview) < PREVIEW_ROWS:
                self.preview.append(self.preview_row(row))
            if row in self.merged_rows:
                continue  # refused, naming the merged cells
            reference = self.cell(row, "reference")
            if reference is None:
                self.problem(self.where(row, "reference"), "the row has no benefit reference")
                continue
            reference = str(reference).strip()
            if reference not in seen_benefits:
                seen_benefits[reference] = row
                stored_row = self.stored(reference, stored)
                self.add_benefit(row, reference, stored_row)
            self.add_months(row, reference)

    def total_in(self, row: int) -> str | None:
        """The text of a totals row ('Total', 'Grand total'): a row whose reference is
        empty or such a word, and whose cells read hold one; None for any other row."""
        reference = self.sheet.value(row, self.columns["reference"])
        if reference is not None and not TOTAL.match(normalise(reference)):
            return None
        for column in sorted(self.used_columns()):
            value = self.sheet.value(row, column)
            if isinstance(value, str) and TOTAL.match(normalise(value)):
                return value
        return None

    def stored(self, reference: str, cache: dict) -> dict | None:
        if reference not in cache:
            row = (
                Benefit.objects.visible_to(self.user)
                .filter(reference=reference)
                .values("initiative__slug", *BENEFIT_FIELDS)
                .first()
            )
            cache[reference] = row
        return cache[reference]

    def initiative_of(self, row: int):
        if self.initiative_column is None:
            return self.mapping.initiative, None
        where = cell_name(self.sheet.name, row, self.initiative_column)
        return self.value(row, self.initiative_column), where

    def add_benefit(self, row: int, reference: str, stored: dict | None) -> None:
        values: dict = {"Reference": reference}
        sources: dict[str | None, str] = {
            None: self.where(row, "reference"),
            "Reference": self.where(row, "reference"),
        }
        if stored is not None:
            values.update(_stored_cells(stored))
        initiative, where = self.initiative_of(row)
        if initiative is not None or stored is None:
            values["Initiative"] = initiative
        if where:
            sources["Initiative"] = where
        for name, header in BENEFIT_HEADERS.items():
            if name in self.columns:
                values[header] = self.cell(row, name)
                sources[header] = self.where(row, name)
        self.benefits.add(values, sources)

    def add_months(self, row: int, reference: str) -> None:
        force = self.cell(row, "force")
        force_code = self.forces.get(str(force).strip().casefold(), force) if force else None
        evidence = self.cell(row, "evidence") or self.mapping.evidence_note or None
        entries = [(kind, column, month, None) for kind, column, month in self.block_months]
        if "month" in self.columns:
            raw = self.cell(row, "month")
            try:
                month = month_of(raw)
            except NotAMonth as exc:
                self.problem(self.where(row, "month"), str(exc))
                return
            for kind in ("planned", "actual"):
                if kind in self.columns:
                    entries.append((kind, self.columns[kind], month, None))
        for kind, column, month, _ in entries:
            value = self.value(row, column)
            if value is None:
                continue
            where = cell_name(self.sheet.name, row, column)
            sources = {None: where, "Value": where, "Month": where}
            if kind == "planned":
                self.planned.add(
                    {"Benefit reference": reference, "Month": f"{month:%Y-%m}", "Value": value},
                    sources,
                )
            else:
                if force is not None:
                    sources["Force code"] = self.where(row, "force")
                self.actuals.add(
                    {
                        "Benefit reference": reference,
                        "Month": f"{month:%Y-%m}",
                        "Force code": force_code,
                        "Value": value,
                        EVIDENCE: evidence,
                    },
                    sources,
                )

    def preview_row(self, row: int) -> MappedRow:
        sheet = self.sheet
        values = {FIELDS[name][0]: sheet.value(row, c) for name, c in self.columns.items()}
        columns = {FIELDS[name][0]: column_letter(c) for name, c in self.columns.items()}
        if self.initiative_column is not None:
            values["Initiative"] = sheet.value(row, self.initiative_column)
            columns["Initiative"] = column_letter(self.initiative_column)
        months: dict[str, dict[str, object]] = {}
        month_columns: dict[str, dict[str, str]] = {}
        for kind, column, month in self.block_months:
            value = sheet.value(row, column)
            if value is not None or sheet.uncalculated_at(row, column):
                months.setdefault(kind, {})[f"{month:%b %Y}"] = value
                month_columns.setdefault(kind, {})[f"{month:%b %Y}"] = column_letter(column)
        return MappedRow(
            row, values, months, columns, month_columns, hidden=row in sheet.hidden_rows
        )


def _stored_cells(stored: dict) -> dict:
    """A stored benefit as the Benefits sheet writes it, so that reading it back gives the
    stored values: the fields a mapping leaves out stay as they are."""
    return {
        "Initiative": stored["initiative__slug"],
        "Title": stored["title"],
        "Description": stored["description"],
        "Sub-category": stored["subcategory"] or None,
        "Direction": stored["direction"] or None,
        "Measure": stored["measure"],
        "Unit": stored["unit"],
        "Nature": stored["nature"],
        "Baseline": stored["baseline_value"],
        "Baseline date": stored["baseline_date"],
        "Target": stored["target_value"],
        "Target date": stored["target_date"],
        "Owner": f"(#{stored['owner_id']})" if stored["owner_id"] else None,
        "Measurement owner": (
            f"(#{stored['measurement_owner_id']})" if stored["measurement_owner_id"] else None
        ),
        "Cashable": yes_no(stored["cashable"]),
        "Dis-benefit": yes_no(stored["is_disbenefit"]),
        "In business case": yes_no(stored["identified_in_business_case"]),
        "Identified at stage": stage_label(stored["identified_at_stage"]),
        "Status": stored["status"],
    }


def preview(grid: Grid, mapping: Mapping, *, user) -> MappedResult:
    """The first rows as Realise will read them, checked as an import by `user` would check
    them (nothing is written), with each problem beside the cell it names."""
    result = _check_and_import(_Reader(grid, mapping, user, limit=PREVIEW_ROWS), user, dry_run=True)
    rows = {row.row: row for row in result.preview}
    for problem in result.problems:
        parts = problem_parts(problem)
        if parts["sheet"] == mapping.sheet and parts["row"] in rows:
            found = rows[parts["row"]].problems
            found.setdefault(parts["column"], []).append(parts["reason"])
    return result


def import_mapped(
    grid: Grid,
    mapping: Mapping,
    *,
    user,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> MappedResult:
    """Check every row and, when all are right and `dry_run` is off, write them in one
    transaction through the register import. Problems name the force's own cells."""
    return _check_and_import(_Reader(grid, mapping, user), user, dry_run=dry_run, progress=progress)


# The Benefits sheet's columns a problem is said to be of, after the force's cell: the
# force's own header may call it something else.
NAMED_COLUMNS = frozenset(BENEFIT_HEADERS.values())


def _check_and_import(
    reader: _Reader, user, *, dry_run: bool, progress: Progress | None = None
) -> MappedResult:
    """Read the rows through the mapping and hand them to the register import. A problem of
    reading (a month header, a formula without a value, a row with no reference) refuses
    the file, but the rows read are still checked, so that every problem is listed."""
    mapping = reader.mapping
    workbook = reader.read()
    result = MappedResult(
        problems=reader.problems, preview=reader.preview, dry_run=dry_run, notes=reader.notes
    )
    if workbook is None:
        return result
    refused = bool(reader.problems)
    rows = sum(len(sheet.rows) for sheet in workbook.worksheets)
    outcome = import_workbook(
        workbook, user=user, dry_run=dry_run or refused, progress=progress, rows=rows
    )
    for error in outcome.errors:
        sheet = workbook.by_name.get(error.sheet)
        where = sheet.source(error.row, error.column) if sheet and error.row else None
        reason = error.reason
        if error.sheet == BENEFITS and error.column in NAMED_COLUMNS:
            reason = f"{error.column}: {reason}"
        result.problems.append(f"{where or mapping.sheet}: {reason}")
    hidden = outcome.error_count - len(outcome.errors)
    if hidden > 0:
        result.problems.append(f"{mapping.sheet}: and {hidden} more problems")
    counts = outcome.counts
    result.counts = {sheet: counts[sheet] for sheet in (BENEFITS, PLANNED, ACTUALS)}
    result.benefits_created = counts[BENEFITS].created
    result.benefits_changed = counts[BENEFITS].updated
    result.months_planned = counts[PLANNED].created + counts[PLANNED].updated
    result.actuals = counts[ACTUALS].created + counts[ACTUALS].updated
    result.written = outcome.written and not refused
    return result
