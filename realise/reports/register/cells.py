"""Reading a register workbook's cells: text, numbers, dates, choices and people, each
checked, with a clear reason when a value will not do."""

from __future__ import annotations

import datetime
import math
import re
import zipfile
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.functional import cached_property
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from realise.benefits.models import (
    BenefitStatus,
    Direction,
    Nature,
    SubCategory,
    Unit,
)
from realise.collaborations.models import (
    InitiativeStatus,
    Stage,
)
from realise.core import inputs, uploads
from realise.reports.register.formulas import uncalculated_cells
from realise.reports.register.layout import SheetLayout, sheet_layout
from realise.reports.register.results import MONEY_LIMIT, PENNY, WORKBOOK, CellError, RowError
from realise.reports.register.xlsx import (
    DATA_SHEETS,
    ID_SUFFIX,
    people_rows,
    person_labels,
)

# Reading cells --------------------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_text(value, max_length: int | None = None, required: bool = False) -> str:
    if _blank(value):
        if required:
            raise CellError("enter a value")
        return "" if value is None else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    text = value if isinstance(value, str) else str(value)
    if max_length is not None and len(text) > max_length:
        raise CellError(f"is {len(text)} characters long; at most {max_length} are allowed")
    return text


def read_key(value, max_length: int, required: bool = True) -> str:
    return read_text(value, max_length, required).strip()


# A negative amount in accounting format: '(1,234.56)', '£(1,234.56)' or '(£1,234.56)'.
BRACKETED = re.compile(r"^(£?)\s*\(\s*(£?[^()+\-]*?)\s*\)$")


# A dash, as a spreadsheet shows zero in accounting format ('£ -'): zero, or nothing?
DASH = re.compile(r"^£?\s*[-\u2013\u2014]\s*$")


def unbracketed(typed: str) -> tuple[str, bool]:
    """Typed text without the brackets of an accounting-format negative, and whether it
    had them; other text as it is."""
    match = BRACKETED.match(typed)
    if match is None or (match[1] and match[2].startswith("£")):
        return typed, False
    return match[1] + match[2], True


def read_decimal(value, required: bool = False) -> Decimal | None:
    """A number of at most two decimal places (pounds and pence), as typed or stored.

    A number cell is read to the 15 significant digits a spreadsheet keeps, so 100.01
    stored as 100.00999999999999 reads as 100.01; a value with more places, such as
    100.005, is refused rather than rounded. Typed text may be negative as finance
    spreadsheets write it: '-£1,234.56', '£-1,234.56' or in brackets, '(1,234.56)',
    '£(1,234.56)'; a number cell formatted to show brackets holds its negative value."""
    if _blank(value):
        if required:
            raise CellError("enter a number")
        return None
    if isinstance(value, bool | datetime.date | datetime.time):
        raise CellError(f"'{value}' is not a number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(f"'{value}' is not a number")
        number = Decimal(format(value, ".15g"))
    elif isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        typed = str(value).strip()
        if DASH.match(typed):
            raise CellError(f"'{typed}' is not a number: enter 0 for zero, or leave the cell empty")
        amount, negative = unbracketed(typed)
        if inputs.number_problem(amount):
            if any(char.isnumeric() and not char.isascii() for char in typed):
                raise CellError(str(inputs.number_problem(typed)).rstrip("."))
            raise CellError(f"'{value}' is not a number")
        if inputs.commas_misplaced(amount):
            raise CellError(
                f"'{value}' is not a number: use commas only between thousands and a full "
                "stop for decimals, e.g. 1,250.50"
            )
        try:
            number = Decimal(amount.replace(",", "").replace("£", "").replace(" ", ""))
        except InvalidOperation:
            raise CellError(f"'{value}' is not a number") from None
        if negative:
            number = 0 - number
    if not number.is_finite():
        raise CellError(f"'{value}' is not a number")
    if abs(number) >= MONEY_LIMIT:
        raise CellError(f"{value} is too large")
    if number != number.quantize(PENNY):
        raise CellError(f"'{value}' has more than two decimal places")
    return number.quantize(PENNY)


def read_date(value) -> datetime.date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(
        f"'{value}' is not a date; write it as YYYY-MM-DD or DD/MM/YYYY, "
        "e.g. 2026-03-31 or 31/03/2026"
    )


MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")


def read_month(value) -> datetime.date:
    if _blank(value):
        raise CellError("enter the month as YYYY-MM, e.g. 2026-10")
    if isinstance(value, datetime.datetime | datetime.date):
        period = datetime.date(value.year, value.month, 1)
    else:
        match = MONTH.match(str(value).strip())
        if not (match and 1 <= int(match[2]) <= 12):
            raise CellError(f"'{value}' is not a month; write it as YYYY-MM, e.g. 2026-10")
        period = datetime.date(int(match[1]), int(match[2]), 1)
    with translation.override("en-gb"):  # the import's messages are English
        problem = inputs.month_problem(period)
    if problem:
        raise CellError(problem.rstrip("."))
    return period


def read_stage(value) -> int | None:
    if _blank(value):
        return None
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        number = int(value)
    elif isinstance(value, str):
        match = re.match(r"^\s*(\d+)\b", value)
        number = int(match[1]) if match else None
    if number not in Stage.values:
        with translation.override("en-gb"):
            example = str(Stage.OBC.label)
        raise CellError(f"'{value}' is not a stage; use 0 to 5, e.g. '{example}'")
    return number


YES_WORDS = {"yes", "y", "true", "1"}
NO_WORDS = {"no", "n", "false", "0"}


def read_bool(value, default: bool) -> bool:
    if _blank(value):
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if isinstance(value, int | float):
        word = str(int(value)) if float(value).is_integer() else word
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise CellError(f"'{value}' is not Yes or No")


# The languages whose labels a choice cell may be written in: English first.
LABEL_LANGUAGES = ("en-gb", "cy")


class Choices:
    """A drop-down's choices: each matched by its stored value or its label, any case.

    The English labels are always accepted, whatever the language of the reader, and so
    are the Welsh ones (a register exported from a Welsh page has them in its drop-downs);
    where the two could clash, English wins."""

    def __init__(
        self,
        choices,
        what: str,
        codes: bool = False,
        also: dict[str, tuple[str, ...]] | None = None,
        named: dict[str, tuple[str, ...]] | None = None,
    ):
        """`also`: other spellings of a choice, as people type it ('£' for GBP); `named`:
        those of them that a refusal lists beside the choice's value."""
        self.what = what
        self.codes = codes
        self.choices = list(choices)
        self.values = [choice.value for choice in self.choices]
        self.also = also or {}
        self.named = named or {}

    @cached_property
    def lookup(self) -> dict:
        found = {}
        for choice in self.choices:
            found[str(choice.value).casefold()] = choice.value
        for language in LABEL_LANGUAGES:
            with translation.override(language):
                for choice in self.choices:
                    found.setdefault(str(choice.label).casefold(), choice.value)
        for value, spellings in self.also.items():
            for spelling in spellings:
                found.setdefault(spelling.casefold(), value)
        return found

    @cached_property
    def allowed(self) -> str:
        """The values, each with the other spellings a refusal names: 'GBP (or £, pounds)'."""
        return ", ".join(
            f"{value} (or {', '.join(self.named[value])})" if value in self.named else str(value)
            for value in self.values
        )

    def read(self, value, default=None):
        if _blank(value):
            if default is None:
                return ""
            return default
        text = str(value).strip()
        found = self.lookup.get(text.casefold())
        if found is None and self.codes:
            found = self.lookup.get(text.split()[0].casefold())
        if found is None:
            raise CellError(f"'{value}' is not a {self.what}; use one of {self.allowed}")
        return found


SUBCATEGORIES = Choices(SubCategory, "sub-category", codes=True)
DIRECTIONS = Choices(Direction, "direction")
# A unit as finance teams type it. Never '£k' or '£000': its figures are thousands of
# pounds, and read as pounds they would be a thousand times too small.
UNITS = Choices(
    Unit,
    "unit",
    also={
        Unit.GBP: ("£", "pounds", "£s", "pound", "pounds sterling", "sterling"),
        Unit.HOURS: ("hour", "hrs", "hr"),
        Unit.PERCENT: ("%", "per cent", "percentage"),
    },
    named={Unit.GBP: ("£", "pounds"), Unit.PERCENT: ("%",)},
)
NATURES = Choices(Nature, "nature")
BENEFIT_STATUSES = Choices(BenefitStatus, "benefit status")
INITIATIVE_STATUSES = Choices(InitiativeStatus, "initiative status")


class People:
    """Resolves an owner cell to a person `reader` may choose (`people_rows`; None: anyone):
    by the workbook's label ('Name <email>'), by a trailing '(#id)', or by an email address
    they may read or a name that only one such person has. Anyone else is unknown."""

    def __init__(self, reader=None):
        rows = people_rows(reader)
        self.ids = {pk for pk, _, _ in rows}
        self.by_label = {label.casefold(): pk for pk, label in person_labels(rows).items()}
        self.by_email: dict[str, int | None] = {}
        self.by_name: dict[str, int | None] = {}
        for pk, name, email in rows:
            for index, key in ((self.by_email, email), (self.by_name, name)):
                if key:
                    key = key.strip().casefold()
                    index[key] = None if key in index else pk

    def read(self, value) -> int | None:
        if _blank(value):
            return None
        text = str(value).strip()
        found = self.by_label.get(text.casefold())
        if found is not None:
            return found
        suffix = ID_SUFFIX.search(text)
        if suffix and int(suffix[1]) in self.ids:
            return int(suffix[1])
        email = re.search(r"<([^<>]+)>\s*$", text)
        # 'Name <email>' from a workbook whose reader could read the address, or the address
        # or name alone; the name of 'Name <email>' where this reader may not read it.
        keys = [(self.by_email, email[1]), (self.by_name, text[: email.start()])] if email else []
        keys += [(self.by_email, text), (self.by_name, text)]
        for index, key in keys:
            found = index.get(key.strip().casefold())
            if found is not None:
                return found
        raise CellError(f"unknown person '{text}'; choose someone from the list (Name <email>)")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# Counting rows --------------------------------------------------------------------------------

ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def count_rows(ws) -> int:
    """Rows in a read-only sheet (header included): from its dimension when the file has
    one, else by scanning the sheet's XML once without parsing it."""
    if ws.max_row and ws.max_row > 1:
        return ws.max_row
    total, tail = 0, b""
    with ws._get_source() as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            total += len(ROW_TAG.findall(data))
            tail = data[-12:]
            total -= len(ROW_TAG.findall(tail))
    return total


def uncalculated_in(ws) -> set[tuple[int, int]]:
    """The cells of a read-only sheet holding a formula with no calculated value, which it
    reads as empty (none for sheets that are not read from a file)."""
    if not hasattr(ws, "_get_source"):
        return set()
    return uncalculated_cells(ws._get_source)


def layout_in(ws) -> SheetLayout:
    """The merged cells and hidden rows of a read-only sheet, which it does not expose
    (none for sheets that are not read from a file)."""
    if not hasattr(ws, "_get_source"):
        return SheetLayout()
    return sheet_layout(ws._get_source)


def count_data_rows(workbook) -> int:
    return sum(
        max(count_rows(workbook[name]) - 1, 0)
        for name in DATA_SHEETS
        if name in workbook.sheetnames
    )


def open_workbook(source):
    """A read-only workbook, or a `RowError` saying why the file cannot be read. A workbook
    that would expand too far (a zip bomb) is refused from its zip directory, unread."""
    name = getattr(source, "name", source) if not isinstance(source, bytes) else "workbook"
    name = str(name).rsplit("/", 1)[-1]
    try:
        uploads.check_archive_file(source, name)
    except uploads.NotAnArchive:
        return None, RowError(WORKBOOK, None, "", "the file is not an Excel workbook (.xlsx)")
    except uploads.FileRefused as refused:
        return None, RowError(WORKBOOK, None, "", str(refused))
    try:
        return load_workbook(source, read_only=True, data_only=True), None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        reason = "the file is not an Excel workbook (.xlsx)"
        detail = str(exc).strip()
        if detail and isinstance(exc, InvalidFileException):
            reason += f": {detail}"
        return None, RowError(WORKBOOK, None, "", reason)
