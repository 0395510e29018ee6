"""What a register import found: errors by sheet, row and column, and counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from realise.reports.register.xlsx import (
    DATA_SHEETS,
)

CHUNK = 1000
MAX_LISTED_ERRORS = 10_000
MONEY_LIMIT = Decimal(10) ** 16
PENNY = Decimal("0.01")
WORKBOOK = "Workbook"

Progress = Callable[[str, int, int | None], None]


# Results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.row}" if self.row else self.sheet
        return (
            f"{where}, {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"
        )

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    counts: dict[str, SheetCounts] = field(
        default_factory=lambda: {sheet: SheetCounts() for sheet in DATA_SHEETS}
    )
    written: bool = False
    dry_run: bool = False
    # What was left unread, e.g. "Sheet 'Notes' was not read.": no error, but said.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def summary_lines(self) -> list[str]:
        return [
            f"{sheet}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
            for sheet, c in self.counts.items()
        ]

    def error_lines(self) -> list[str]:
        lines = [str(error) for error in self.errors]
        if self.error_count > len(self.errors):
            lines.append(f"... and {self.error_count - len(self.errors)} more errors.")
        return lines

    def summary_dict(self) -> dict:
        """The counts by sheet, and the notes (under "notes") when there are any."""
        summary: dict = {sheet: asdict(c) for sheet, c in self.counts.items()}
        if self.notes:
            summary["notes"] = list(self.notes)
        return summary


class CellError(Exception):
    """A cell's value cannot be read; the message is the reason."""


class _Rollback(Exception):
    pass
