"""A register for the dashboard tests, and reading tables back out of pages and downloads.

The Essex–Kent collaboration (private; Essex 47.3%, Kent 52.7%) holds "Joint vetting"
(stage 2) with, in the first half of 2024 (long complete, whatever today is):

* erin's cashable money saving (1a): £1,000 a month planned, January to June (£6,000);
  £5,850 recorded for the whole collaboration (900, 1000, 950, 1000, 1000, 1000);
* released hours (1b): 100 hours a month planned (600); 100 a month recorded for January
  to March (300, half the plan: red);
* cost avoidance (1c) the business case never identified, not cashable: nothing planned,
  £1,150 recorded in February;
* a qualitative service benefit (2a), realising.

So money: £6,000 planned, £7,000 realised; hours: 600 planned, 300 realised. Split by
force: Essex £2,767.05 + £543.95 = £3,311.00 and 141.90 hours; Kent £3,082.95 + £606.05 =
£3,689.00 and 158.10 hours.

Norfolk and Suffolk (policing, Norfolk 60%, Suffolk 40%) holds one saving: £500 planned
for January 2024, £400 realised. nora (Norfolk) sees it, never the Essex–Kent figures.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    actual,
    force,
    plan,
    share,
)

D = Decimal
JAN_2024 = datetime.date(2024, 1, 1)


def month(number: int) -> datetime.date:
    return datetime.date(2024, number, 1)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with no cached figures (rolled-back data may reuse versions)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def register(world):
    w = world
    w.saving = w.benefit
    w.saving.reference = "EK-1"
    w.saving.cashable = True
    w.saving.save()
    plan(w.saving, JAN_2024, ["1000"] * 6)
    for number, value in enumerate(["900", "1000", "950", "1000", "1000", "1000"], start=1):
        actual(w.saving, month(number), value)
    w.hours = BenefitFactory(
        initiative=w.initiative,
        reference="EK-2",
        title="Officer hours released",
        subcategory="1b",
        unit="hours",
        direction="increase",
    )
    plan(w.hours, JAN_2024, ["100"] * 6)
    for number in (1, 2, 3):
        actual(w.hours, month(number), "100")
    w.avoidance = BenefitFactory(
        initiative=w.initiative,
        reference="EK-3",
        title="Agency costs avoided",
        subcategory="1c",
        identified_in_business_case=False,
    )
    actual(w.avoidance, month(2), "1150")
    w.survey = BenefitFactory(
        initiative=w.initiative,
        reference="EK-4",
        title="Vetting officers' confidence",
        subcategory="2a",
        unit="text",
        nature="qualitative",
        direction="increase",
        status="realising",
        baseline_value=None,
        target_value=None,
    )
    w.ns = CollaborationFactory(name="Norfolk and Suffolk", slug="ns", visibility="policing")
    share(w.ns, "Norfolk", "60")
    share(w.ns, "Suffolk", "40")
    w.ns_initiative = InitiativeFactory(collaboration=w.ns, name="Shared custody", slug="custody")
    w.ns_saving = BenefitFactory(initiative=w.ns_initiative, reference="NS-1", title="Custody")
    plan(w.ns_saving, JAN_2024, ["500"])
    actual(w.ns_saving, JAN_2024, "400")
    w.essex, w.kent, w.norfolk = force("Essex"), force("Kent"), force("Norfolk")
    return w


# Reading pages ------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every <table>: its caption and its rows of cell texts (header row first)."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = _clean("".join(self._caption))
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(_clean("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_tables(response) -> list[tuple[str, list[list[str]]]]:
    """(caption, rows) of every table on the page, in order."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return [(table["caption"], table["rows"]) for table in parser.tables]


def table_with(response, caption_start: str) -> list[list[str]]:
    for caption, rows in page_tables(response):
        if caption.startswith(caption_start):
            return rows
    raise AssertionError(f"No table captioned {caption_start!r} on the page")


NUMBER = re.compile(r"^-?£?-?[\d,]+(\.\d+)?%?$")


class Rounded:
    """A percentage as a page shows it (one decimal place): equal to an exact figure of a
    download or a worked example that rounds, half-up, to it."""

    def __init__(self, value: Decimal):
        self.value = value

    def __eq__(self, other):
        if isinstance(other, Rounded):
            return self.value == other.value
        if isinstance(other, Decimal):
            return other.quantize(D("0.1"), rounding=ROUND_HALF_UP) == self.value
        return NotImplemented

    def __hash__(self):
        return hash(self.value)

    def __repr__(self):
        return f"{self.value}%"


def value_of(text) -> object:
    """A cell as a comparable value: figures as Decimals ('£1,234.50', '1,200.5 hours',
    1234.5 from a workbook), percentages as the page rounds them ('95.2%'),
    blanks and dashes as '', words as they are."""
    if text is None:
        return ""
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        return Decimal(str(text)).quantize(D("0.01"))
    text = str(text).strip()
    if text in ("", "–", "—", "-"):
        return ""
    text = text.removesuffix(" hours")
    if NUMBER.match(text) and text.endswith("%"):
        return Rounded(Decimal(text.replace(",", "").replace("%", "")))
    if NUMBER.match(text):
        return Decimal(text.replace("£", "").replace(",", "").replace("%", "")).quantize(D("0.01"))
    return text


def rows_of(rows: list[list]) -> list[list]:
    return [[value_of(cell) for cell in row] for row in rows]


def csv_rows(response) -> list[list]:
    text = response.content.decode("utf-8-sig")
    return rows_of(list(csv.reader(io.StringIO(text))))


def xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # Above the table: its title, the "as at" line, the filters used and a blank row.
    assert str(rows[1][0]).startswith("As at ") and str(rows[2][0]).startswith("Filters: ")
    assert not any(rows[3])
    return rows_of(rows[4:])
